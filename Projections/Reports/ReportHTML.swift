/// The report as one standalone HTML page: no scripts, no external files. Per focus area an
/// inline SVG of progress against each goal and a bar chart of each KPI's total per quarter,
/// then the tables and the annex. `@media print` keeps sections whole and drops colour fills
/// that printers waste ink on.
public enum ReportHTML {
    public static func render(_ report: Report) -> String {
        let quarters = report.periods.filter { $0 != "programme" && $0.contains("-Q") }
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(esc(report.title))</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.2rem .5rem}
            td.n{text-align:right}code{font-size:.85em;word-break:break-all}
            svg text{font-size:11px;font-family:sans-serif}.bar{fill:#2a7ab0}.target{fill:#e4e4e4}.trend{fill:#5a9e4b}
            @media print{body{margin:0;max-width:none}section{break-inside:avoid}.bar,.trend{fill:#555}.target{fill:none;stroke:#555}a{color:inherit}}
            </style></head><body>
            <h1>\(esc(report.title))</h1>
            <p>As of log position <strong>\(report.asOf.position)</strong>, head hash <code>\(report.asOf.hash.hex)</code>.</p>

            """
        for area in ReportLayout.focusAreas(report) {
            h += "<section><h2>\(esc(area))</h2>\n"
            let goals = report.goals.filter { $0.focusArea == area }
            if !goals.isEmpty { h += progressChart(goals) }
            for code in ReportLayout.kpis(report, in: area) {
                h += trendChart(report, code, quarters)
            }
            h += "<table><tr><th>KPI</th><th>breakdown</th><th>programme</th>" + quarters.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
            for code in ReportLayout.kpis(report, in: area) {
                for b in ReportLayout.breakdowns(report, of: code) {
                    h += "<tr><td>\(code)</td><td>\(esc(b.isEmpty ? "total" : b))</td>"
                    h += (["programme"] + quarters).map { "<td class=\"n\">\(esc(report.cell(code, period: $0, breakdown: b)?.displayValue ?? "–"))</td>" }.joined()
                    h += "</tr>\n"
                }
            }
            h += "</table></section>\n"
        }
        h += "<section><h2>Annex</h2><h3>Definitions</h3><ul>\n"
        for d in report.definitions { h += "<li><strong>\(d.code)</strong> (\(esc(d.focusArea))): \(esc(d.summary))</li>\n" }
        h += "</ul><p>Percentages have one decimal; x marks a suppressed cell: it rests on fewer than \(KPISuppression.threshold) people or things, or would let one be recovered from the total.</p>\n"
        h += "<h3>Provenance</h3><ul><li>As-of position: \(report.asOf.position)</li><li>Head hash: <code>\(report.asOf.hash.hex)</code></li>"
        h += "<li>Content hash (SHA-256 of the canonical JSON content): <code>\(report.contentHash)</code></li></ul>\n"
        h += "<h3>Suppressed cells</h3>"
        let suppressed = report.suppressedCells
        h += suppressed.isEmpty ? "<p>None.</p>\n" : "<ul>" + suppressed.map { "<li>\($0.kpi) \($0.period) \(esc($0.breakdown))</li>" }.joined() + "</ul>\n"
        if !report.notes.isEmpty { h += "<h3>Notes</h3><ul>" + report.notes.map { "<li>\(esc($0))</li>" }.joined() + "</ul>\n" }
        h += "</section></body></html>\n"
        return h
    }

    /// One bar per goal: realised as a share of the target (capped at the full width).
    static func progressChart(_ goals: [Report.GoalProgress]) -> String {
        let rowHeight = 22, width = 480, labelWidth = 150
        var svg = "<svg role=\"img\" aria-label=\"progress against targets\" width=\"\(width + labelWidth + 60)\" height=\"\(goals.count * rowHeight + 4)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (i, g) in goals.enumerated() {
            let y = i * rowHeight + 2
            let realised = g.realised.map { Double($0.value) / pow10($0.scale) } ?? 0
            let target = Double(g.target.value) / pow10(g.target.scale)
            let fraction = target > 0 ? min(realised / target, 1) : 0
            svg += "<text x=\"0\" y=\"\(y + 14)\">\(esc(g.kpi)) \(esc(g.period))</text>"
            svg += "<rect class=\"target\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(width)\" height=\"16\"/>"
            svg += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(Int((fraction * Double(width)).rounded()))\" height=\"16\"/>"
            svg += "<text x=\"\(labelWidth + width + 4)\" y=\"\(y + 14)\">\(esc(g.realised?.displayValue ?? "–"))/\(esc(g.target.displayValue))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Bars of a KPI's total per quarter.
    static func trendChart(_ report: Report, _ kpi: String, _ quarters: [String]) -> String {
        guard !quarters.isEmpty else { return "" }
        let values = quarters.map { report.cell(kpi, period: $0)?.value ?? 0 }
        let maxValue = max(values.max() ?? 0, 1)
        let barWidth = 48, height = 80
        var svg = "<figure><figcaption>\(esc(kpi)) per quarter</figcaption><svg role=\"img\" aria-label=\"\(esc(kpi)) per quarter\" width=\"\(quarters.count * (barWidth + 8) + 8)\" height=\"\(height + 34)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for (i, (q, v)) in zip(quarters, values).enumerated() {
            let x = 8 + i * (barWidth + 8)
            let barHeight = Int(v) * height / Int(maxValue)
            svg += "<rect class=\"trend\" x=\"\(x)\" y=\"\(height - barHeight + 14)\" width=\"\(barWidth)\" height=\"\(barHeight)\"/>"
            svg += "<text x=\"\(x)\" y=\"\(height - barHeight + 11)\">\(esc(report.cell(kpi, period: q)?.displayValue ?? "0"))</text>"
            svg += "<text x=\"\(x)\" y=\"\(height + 28)\">\(q)</text>\n"
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
