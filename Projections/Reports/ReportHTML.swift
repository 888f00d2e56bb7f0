/// The report as one standalone HTML page in Dutch: no scripts, no external files. Per focus
/// area an inline SVG of progress against each goal (doel and gerealiseerd written on every
/// bar) and a bar chart of each KPI's total per quarter (empty quarters as 0), then the tables
/// (they scroll within themselves on a narrow screen; the page never scrolls sideways) and the
/// annex with the legend. `@media print` keeps sections whole and drops colour fills.
public enum ReportHTML {
    public static func render(_ report: Report) -> String {
        let quarters = report.periods.filter(Quarter.isLabel)
        let columns = ReportLayout.columns(report)
        let names = Dictionary(report.definitions.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        var h = """
            <!DOCTYPE html>
            <html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(report.title))</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:76rem;margin:2rem auto;padding:0 1rem;color:#222;overflow-wrap:anywhere}
            .scroll{overflow-x:auto;max-width:100%}
            table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;white-space:nowrap}
            th{background:#f3f3f3}td.n{text-align:right}td.l{white-space:normal;min-width:12rem}code{font-size:.85em;word-break:break-all}
            figure{margin:.5rem 0}svg{max-width:100%;height:auto}
            svg text{font-size:11px;font-family:sans-serif}.bar{fill:#2a7ab0}.target{fill:#e4e4e4}.trend{fill:#5a9e4b}
            dl.legend dt{font-weight:bold;float:left;width:2rem}dl.legend dd{margin-left:2.5rem}
            @media print{body{margin:0;max-width:none}section{break-inside:avoid}.bar,.trend{fill:#555}.target{fill:none;stroke:#555}a{color:inherit}}
            </style></head><body>
            <h1>\(esc(report.title))</h1>
            <p>Stand per logpositie <strong>\(report.asOf.position)</strong>, head hash <code>\(report.asOf.hash.hex)</code>.</p>
            <p>Legenda: <strong>x</strong> onderdrukt · <strong>–</strong> geen gegevens of niet van toepassing · <strong>*</strong> rust op niet leesbare invoer (zie bijlage).</p>

            """
        for area in ReportLayout.focusAreas(report) {
            h += "<section><h2>\(esc(ReportLabels.focusArea(area)))</h2>\n"
            let goals = report.goals.filter { $0.focusArea == area }
            if !goals.isEmpty { h += progressChart(goals) }
            for code in ReportLayout.kpis(report, in: area) {
                h += trendChart(report, code, names[code] ?? code, quarters)
            }
            h += "<div class=\"scroll\"><table><tr><th>KPI</th><th>uitsplitsing</th><th>Programma</th>"
                + columns.map { "<th>\(esc(ReportLabels.period($0)))</th>" }.joined() + "</tr>\n"
            for code in ReportLayout.kpis(report, in: area) {
                for b in ReportLayout.breakdowns(report, of: code) {
                    let kpi = b.isEmpty ? "\(code) \(names[code] ?? "")" : code
                    h += "<tr><td class=\"l\">\(esc(kpi))</td><td class=\"l\">\(esc(report.label(b)))</td>"
                    h += (["programme"] + columns).map { "<td class=\"n\">\(esc(ReportLayout.figure(report, code, $0, b)))</td>" }.joined()
                    h += "</tr>\n"
                }
            }
            h += "</table></div></section>\n"
        }
        h += "<section><h2>Bijlage</h2><h3>Legenda</h3><ul>\n"
        h += ReportLayout.legend.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n<h3>Definities</h3><ul>\n"
        for d in report.definitions { h += "<li><strong>\(d.code)</strong> \(esc(d.name)) (\(esc(d.focusArea))): \(esc(d.summary))</li>\n" }
        h += "</ul>\n<h3>Herkomst</h3><ul><li>Logpositie: \(report.asOf.position)</li><li>Head hash: <code>\(report.asOf.hash.hex)</code></li>"
        h += "<li>Content hash (SHA-256 van de canonieke JSON-inhoud): <code>\(report.contentHash)</code></li></ul>\n"
        h += "<h3>Onderdrukte cellen</h3>"
        let suppressed = report.suppressedCells
        h += suppressed.isEmpty ? "<p>Geen.</p>\n"
            : "<ul>" + suppressed.map { "<li>\($0.kpi) \(esc(ReportLabels.period($0.period))) \(esc(report.label($0.breakdown)))</li>" }.joined() + "</ul>\n"
        if !report.notes.isEmpty { h += "<h3>Notities</h3><ul>" + report.notes.map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n" }
        h += "</section></body></html>\n"
        return h
    }

    /// One bar per goal: realised as a share of the target (capped at the full width), with
    /// `gerealiseerd … / doel …` written beside it.
    static func progressChart(_ goals: [Report.GoalProgress]) -> String {
        let rowHeight = 22, width = 360, labelWidth = 110, textWidth = 330
        let total = labelWidth + width + textWidth
        var svg = "<figure><svg role=\"img\" aria-label=\"voortgang ten opzichte van de doelen\" viewBox=\"0 0 \(total) \(goals.count * rowHeight + 4)\" width=\"\(total)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (i, g) in goals.enumerated() {
            let y = i * rowHeight + 2
            let realised = g.realised.map { Double($0.value) / pow10($0.scale) } ?? 0
            let target = Double(g.target.value) / pow10(g.target.scale)
            let fraction = target > 0 ? min(max(realised / target, 0), 1) : 0
            svg += "<text x=\"0\" y=\"\(y + 14)\">\(esc(g.kpi)) \(esc(ReportLabels.period(g.period)))</text>"
            svg += "<rect class=\"target\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(width)\" height=\"16\"/>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(Int((fraction * Double(width)).rounded()))\" height=\"16\"/>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 14)\">gerealiseerd \(esc(g.realised.map(ReportLabels.figure) ?? "–")) / doel \(esc(ReportLabels.figure(g.target)))</text>\n"
        }
        return svg + "</svg></figure>\n"
    }

    /// Bars of a KPI's total per quarter, each labelled with its figure; a quarter without
    /// facts is a bar of 0.
    static func trendChart(_ report: Report, _ kpi: String, _ name: String, _ quarters: [String]) -> String {
        guard !quarters.isEmpty else { return "" }
        let cells = quarters.map { report.cell(kpi, period: $0) }
        let values = cells.map { c in c.map { $0.suppressed || $0.isUndefined ? 0 : max($0.value, 0) } ?? 0 }
        let labels = cells.map { c in c.map(ReportLabels.figure) ?? "0" }
        let maxValue = max(values.max() ?? 0, 1)
        let barWidth = max(48, (labels.map(\.count).max() ?? 0) * 7 + 4), height = 80
        let width = quarters.count * (barWidth + 8) + 8
        var svg = "<figure><figcaption>\(esc(kpi)) \(esc(name)) per kwartaal</figcaption><svg role=\"img\" aria-label=\"\(esc(kpi)) per kwartaal\" viewBox=\"0 0 \(width) \(height + 34)\" width=\"\(width)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (i, q) in quarters.enumerated() {
            let x = 8 + i * (barWidth + 8)
            let barHeight = Int(Int64(height) * values[i] / maxValue)
            svg += "<rect class=\"trend\" x=\"\(x)\" y=\"\(height - barHeight + 14)\" width=\"\(barWidth)\" height=\"\(barHeight)\"/>"
            svg += "<text x=\"\(x)\" y=\"\(height - barHeight + 11)\">\(esc(labels[i]))</text>"
            svg += "<text x=\"\(x)\" y=\"\(height + 28)\">\(esc(ReportLabels.period(q)))</text>\n"
        }
        return svg + "</svg></figure>\n"
    }

    static func pow10(_ scale: UInt32) -> Double { (0..<scale).reduce(1.0) { r, _ in r * 10 } }

    static func esc(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
