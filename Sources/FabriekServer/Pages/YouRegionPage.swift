import Foundation

/// The YouRegion overview: cross-border registrations per quarter by direction (NL↔BE, NL↔DE).
struct YouRegionPage {
    /// Quarter → direction → count.
    let flows: [(period: String, counts: [(String, Int)])]

    func render() -> String {
        let directions = Array(Set(flows.flatMap { $0.counts.map(\.0) })).sorted()
        var body = "<p>Grensoverschrijdend werk in de Euregio Maas-Rijn, per kwartaal en richting.</p><div class=\"grid\">"
        for d in directions {
            let points = flows.map { f in (label: f.period, value: Double(f.counts.first { $0.0 == d }?.1 ?? 0) as Double?) }
            let total = points.compactMap(\.value).reduce(0, +)
            body += "<section class=\"card\"><strong>\(HTML.e(d))</strong> <span class=\"num\" data-direction=\"\(HTML.e(d))\">\(Int(total))</span>\(HTML.trend(points))</section>"
        }
        body += "</div><h2>Per kwartaal</h2><div class=\"scroll\"><table><thead><tr><th>Kwartaal</th>"
            + directions.map { "<th>\(HTML.e($0))</th>" }.joined() + "</tr></thead><tbody>"
        for f in flows {
            body += "<tr><td>\(HTML.e(f.period))</td>" + directions.map { d in "<td>\(f.counts.first { $0.0 == d }?.1 ?? 0)</td>" }.joined() + "</tr>"
        }
        body += "</tbody></table></div>"
        return HTML.page(title: "YouRegion", active: "/youregion", body: body)
    }
}
