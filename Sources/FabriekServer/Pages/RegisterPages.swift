import Foundation
import Projections

/// The register search (skill or free text, buurt, paging) and a member's public profile.
/// Only the directory's public fields are shown: no personal data.
struct RegisterPage {
    let query: MemberDirectory.Query
    let page: MemberDirectory.Page
    let buurten: [String]

    func render() -> String {
        let options = (["<option value=\"\">alle buurten</option>"] + buurten.map {
            "<option\($0 == query.buurt ? " selected" : "")>\(HTML.e($0))</option>"
        }).joined()
        var body = """
        <form method="get" action="/register"><input name="q" placeholder="vaardigheid of trefwoord" value="\(HTML.e(query.text ?? ""))">\
        <select name="buurt">\(options)</select><button type="submit">Zoek</button></form>
        <p><span id="total">\(page.total)</span> leden gevonden</p><div class="scroll"><table><thead><tr>\
        <th>Naam</th><th>Buurt</th><th>Vaardigheden</th><th>Beschikbaar</th></tr></thead><tbody>
        """
        for m in page.listings {
            body += "<tr><td><a href=\"/leden/\(HTML.e(m.memberId))\">\(HTML.e(m.tradeName ?? "lid"))</a>\(m.verified ? " ✓" : "")</td>"
                + "<td>\(HTML.e(m.buurt ?? "–"))</td><td>\(HTML.e(m.skills))</td><td>\(HTML.e(ReportLabels.availability(m.availability)))</td></tr>"
        }
        body += "</tbody></table></div>"
        var link = URLComponents()
        link.path = "/register"
        func pageLink(_ offset: Int, _ text: String) -> String {
            link.queryItems = [URLQueryItem(name: "q", value: query.text ?? ""), URLQueryItem(name: "buurt", value: query.buurt ?? ""),
                               URLQueryItem(name: "offset", value: "\(offset)")]
            return "<a href=\"\(HTML.e(link.string ?? "/register"))\">\(text)</a>"
        }
        var nav: [String] = []
        if query.offset > 0 { nav.append(pageLink(max(0, query.offset - query.limit), "← vorige")) }
        if query.offset + query.limit < page.total { nav.append(pageLink(query.offset + query.limit, "volgende →")) }
        body += "<p>\(nav.joined(separator: " · "))</p>"
        return HTML.page(title: "Register van leden", active: "/register", body: body)
    }
}

struct MemberPage {
    let listing: MemberDirectory.Listing
    let bids: [Consortia.MemberBid]

    func render() -> String {
        let m = listing
        var body = """
        <div class="card"><p class="num">\(HTML.e(m.tradeName ?? "lid"))</p><p>\(HTML.e(m.headline ?? ""))</p>
        <table><tbody><tr><th>Buurt</th><td>\(HTML.e(m.buurt ?? "–"))\(m.wijk.map { " (" + HTML.e($0) + ")" } ?? "")</td></tr>
        <tr><th>Land</th><td>\(HTML.e(m.country))</td></tr><tr><th>Vaardigheden</th><td>\(HTML.e(m.skills))</td></tr>
        <tr><th>Beschikbaarheid</th><td>\(HTML.e(ReportLabels.availability(m.availability)))</td></tr><tr><th>Tarief</th><td>\(HTML.e(m.rateBand.map(ReportLabels.rateBand) ?? "–"))</td></tr>
        <tr><th>Status</th><td>\(HTML.e(ReportLabels.memberStatus(m.status)))\(m.verified ? " · geverifieerd" : "")</td></tr></tbody></table></div>
        """
        if !bids.isEmpty {
            body += "<h2>Inschrijvingen</h2><div class=\"scroll\"><table><thead><tr><th>Klus</th><th>Percelen</th><th>Status</th></tr></thead><tbody>"
            for b in bids {
                body += "<tr><td><a href=\"/klussen/\(HTML.e(b.tenderId))\">\(HTML.e(b.tenderId.prefix(8) + "…"))</a></td><td>\(HTML.e(b.lots))</td><td>\(HTML.e(ReportLabels.bidStatus(b.status)))</td></tr>"
            }
            body += "</tbody></table></div>"
        }
        return HTML.page(title: m.tradeName ?? "Lid", active: "/register", body: body)
    }
}
