import EventLog
import Fabriek
import Foundation
import PersonalData
import FabriekReference
import Projections

/// The "Maastricht goals" dashboard: the seven focus areas, per KPI its code, Dutch name and
/// description (reference data and `KPIDefinitions`, as in the reports), target and realised
/// value for the programme, a trend per quarter (SVG), suppressed cells marked, an as-of date
/// picker, and links to the same report as CSV and HTML with its position and head hash.
struct DashboardPage {
    let report: Report
    let focusAreas: FocusAreas
    let asOfText: String?

    func render() -> String {
        let quarters = report.periods.filter { $0.contains("Q") }
        var body = """
        <form method="get" action="/"><label>Stand per <input type="date" name="asOf" value="\(HTML.e(asOfText ?? ""))"></label>\
        <button type="submit">Toon</button></form>
        <p class="muted">Positie <span id="position">\(report.asOf.position)</span> · head hash <code>\(report.asOf.hash.hex.prefix(16))…</code> · \
        <a href="/rapport?format=csv&amp;position=\(report.asOf.position)">rapport CSV</a> · \
        <a href="/rapport?format=html&amp;position=\(report.asOf.position)">rapport HTML</a></p>
        """
        for area in focusAreas.focusAreas {
            let definitions = report.definitions.filter { $0.focusArea == area.code }
            body += "<h2>\(HTML.e(area.name))</h2><div class=\"grid\">"
            if definitions.isEmpty { body += "<p class=\"muted\">Geen KPI's in dit aandachtsgebied.</p>" }
            for d in definitions {
                let realised = report.cell(d.code)
                let goal = report.goals.first { $0.kpi == d.code && $0.period == "programme" } ?? report.goals.first { $0.kpi == d.code }
                let value: String
                if let realised {
                    value = realised.suppressed ? "<span class=\"supp\">onderdrukt (&lt; \(KPISuppression.threshold))</span>"
                        : "<span class=\"num\" data-kpi=\"\(HTML.e(d.code))\">\(HTML.e(realised.displayValue))</span>"
                } else {
                    value = "<span class=\"muted\">nog geen waarde</span>"
                }
                let points = quarters.map { q -> (label: String, value: Double?) in
                    guard let c = report.cell(d.code, period: q), !c.suppressed else { return (q, nil) }
                    return (q, Double(c.value) / pow(10, Double(c.scale)))
                }
                let suppressedQuarters = quarters.filter { report.cell(d.code, period: $0)?.suppressed == true }
                body += """
                <section class="card"><div><span class="kpi">\(HTML.e(d.code))</span> <strong>\(HTML.e(d.name))</strong></div><div>\(value)</div>
                <div class="muted">doel: \(goal.map { HTML.e($0.target.displayValue) + " (" + HTML.e($0.period) + ")" } ?? "geen doel vastgesteld")</div>
                \(HTML.trend(points))
                \(suppressedQuarters.isEmpty ? "" : "<div class=\"supp\">onderdrukt: \(HTML.e(suppressedQuarters.joined(separator: ", ")))</div>")
                <p class="muted">\(HTML.e(d.summary))</p></section>
                """
            }
            body += "</div>"
        }
        return HTML.page(title: "Maastricht goals", active: "/", body: body)
    }
}
