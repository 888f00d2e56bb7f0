import Foundation

/// The report as Markdown: per focus area the goals (target vs realised) and the KPI values
/// for the whole programme, a trend table per quarter, and the annex (definitions, as-of
/// position, head hash, suppressed cells, notes, content hash).
public enum ReportMarkdown {
    public static func render(_ report: Report) -> String {
        var md = "# \(report.title)\n\n"
        md += "As of log position **\(report.asOf.position)**, head hash `\(report.asOf.hash.hex)`.\n\n"
        let quarters = report.periods.filter { $0 != "programme" && $0.contains("-Q") }
        for area in ReportLayout.focusAreas(report) {
            md += "## \(area)\n\n"
            let goals = report.goals.filter { $0.focusArea == area }
            if !goals.isEmpty {
                md += "| KPI | period | target | realised |\n|---|---|---:|---:|\n"
                for g in goals { md += "| \(g.kpi) | \(g.period) | \(g.target.displayValue) | \(g.realised?.displayValue ?? "–") |\n" }
                md += "\n"
            }
            md += "| KPI | breakdown | programme |" + quarters.map { " \($0) |" }.joined() + "\n"
            md += "|---|---|---:|" + quarters.map { _ in "---:|" }.joined() + "\n"
            for code in ReportLayout.kpis(report, in: area) {
                for breakdown in ReportLayout.breakdowns(report, of: code) {
                    let values = (["programme"] + quarters).map { report.cell(code, period: $0, breakdown: breakdown)?.displayValue ?? "–" }
                    md += "| \(code) | \(breakdown.isEmpty ? "total" : escape(breakdown)) |" + values.map { " \($0) |" }.joined() + "\n"
                }
            }
            md += "\n"
        }
        md += "## Annex\n\n### Definitions\n\n"
        for d in report.definitions { md += "- **\(d.code)** (\(d.focusArea)): \(d.summary)\n" }
        md += "\nPercentages have one decimal; `x` marks a suppressed cell: it rests on fewer than \(KPISuppression.threshold) people or things, or would let one be recovered from the total.\n"
        md += "\n### Provenance\n\n- As-of position: \(report.asOf.position)\n- Head hash: `\(report.asOf.hash.hex)`\n"
        md += "- Content hash (SHA-256 of the canonical JSON content): `\(report.contentHash)`\n"
        md += "\n### Suppressed cells\n\n"
        let suppressed = report.suppressedCells
        md += suppressed.isEmpty ? "None.\n" : suppressed.map { "- \($0.kpi) \($0.period) \(escape($0.breakdown))\n" }.joined()
        if !report.notes.isEmpty {
            md += "\n### Notes\n\n" + report.notes.map { "- \($0)\n" }.joined()
        }
        return md
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
