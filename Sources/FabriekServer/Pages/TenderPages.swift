import Foundation
import Projections

/// The tender board (open jobs) and a job's page (lots, deadline, number of bids, awards once
/// final).
struct TenderBoardPage {
    let tenders: [TenderBoard.Listing]

    func render() -> String {
        var body = "<p><span id=\"open\">\(tenders.count)</span> open klussen</p><div class=\"grid\">"
        for t in tenders {
            body += """
            <section class="card"><a href="/klussen/\(HTML.e(t.tenderId))"><strong>\(HTML.e(t.title))</strong></a>
            <div class="muted">\(HTML.e(t.buyerName)) · \(HTML.e(ReportLabels.procedure(t.procedure))) · sluit \(HTML.e(t.deadline))</div>
            <div>\(t.lots.count) percelen · \(t.liveBidCount) inschrijvingen · ca. € \(t.estimatedCents / 100)</div></section>
            """
        }
        body += "</div>"
        return HTML.page(title: "Klussen", active: "/klussen", body: body)
    }
}

struct TenderPage {
    let tender: TenderBoard.Listing
    let awards: [TenderBoard.Award]

    func render() -> String {
        let t = tender
        var body = """
        <div class="card"><div class="muted">\(HTML.e(t.buyerName)) · \(HTML.e(t.category)) · \(HTML.e(ReportLabels.procedure(t.procedure)))</div>
        <p>Status: <strong>\(HTML.e(ReportLabels.tenderStatus(t.status)))</strong> · sluitingsdatum \(HTML.e(t.deadline)) · \
        <span id="bids">\(t.liveBidCount)</span> inschrijvingen · geraamd € \(t.estimatedCents / 100)</p></div>
        <h2>Percelen</h2><div class="scroll"><table><thead><tr><th>#</th><th>Perceel</th><th>Buurten</th><th>Gunning</th></tr></thead><tbody>
        """
        for lot in t.lots {
            let award = awards.first { $0.lot == lot.number && $0.finalised }
            let text = award.map { "definitief: € \($0.valueCents / 100)" } ?? (awards.contains { $0.lot == lot.number } ? "voorgenomen" : "–")
            body += "<tr><td>\(lot.number)</td><td>\(HTML.e(lot.title))</td><td>\(HTML.e(lot.buurten.joined(separator: ", ")))</td><td>\(HTML.e(text))</td></tr>"
        }
        body += "</tbody></table></div>"
        return HTML.page(title: t.title, active: "/klussen", body: body)
    }
}
