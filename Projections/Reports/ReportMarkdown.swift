import Foundation

/// The report as Markdown, in Dutch: per focus area the goals (doel vs gerealiseerd) and a
/// table per KPI-breakdown with the programme and every period, then the annex (legend,
/// definitions, as-of position, head hash, content hash, suppressed cells, notes).
public enum ReportMarkdown {
    public static func render(_ report: Report) -> String {
        var md = "# \(report.title)\n\n"
        md += "Stand per logpositie **\(report.asOf.position)**, head hash `\(report.asOf.hash.hex)`.\n\n"
        md += "Legenda: `x` onderdrukt · `–` geen gegevens of niet van toepassing · `*` rust op niet leesbare invoer (zie bijlage).\n\n"
        let columns = ReportLayout.columns(report)
        let names = Dictionary(report.definitions.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        for area in ReportLayout.focusAreas(report) {
            md += "## \(ReportLabels.focusArea(area))\n\n"
            let goals = report.goals.filter { $0.focusArea == area }
            if !goals.isEmpty {
                md += "| KPI | periode | doel | gerealiseerd |\n|---|---|---:|---:|\n"
                for g in goals {
                    md += "| \(g.kpi) \(escape(names[g.kpi] ?? "")) | \(ReportLabels.period(g.period)) | \(ReportLabels.figure(g.target)) | \(g.realised.map(ReportLabels.figure) ?? "–") |\n"
                }
                md += "\n"
            }
            md += "| KPI | uitsplitsing | Programma |" + columns.map { " \(ReportLabels.period($0)) |" }.joined() + "\n"
            md += "|---|---|---:|" + columns.map { _ in "---:|" }.joined() + "\n"
            for code in ReportLayout.kpis(report, in: area) {
                for breakdown in ReportLayout.breakdowns(report, of: code) {
                    let values = (["programme"] + columns).map { ReportLayout.figure(report, code, $0, breakdown) }
                    let kpi = breakdown.isEmpty ? "\(code) \(escape(names[code] ?? ""))" : code
                    md += "| \(kpi) | \(escape(report.label(breakdown))) |" + values.map { " \($0) |" }.joined() + "\n"
                }
            }
            md += "\n"
        }
        md += "## Bijlage\n\n### Legenda\n\n" + ReportLayout.legend.map { "- \($0)\n" }.joined()
        md += "\n### Definities\n\n"
        for d in report.definitions { md += "- **\(d.code)** \(d.name) (\(d.focusArea)): \(d.summary)\n" }
        md += "\n### Herkomst\n\n- Logpositie: \(report.asOf.position)\n- Head hash: `\(report.asOf.hash.hex)`\n"
        md += "- Content hash (SHA-256 van de canonieke JSON-inhoud): `\(report.contentHash)`\n"
        md += "\n### Onderdrukte cellen\n\n"
        let suppressed = report.suppressedCells
        md += suppressed.isEmpty ? "Geen.\n" : suppressed.map { "- \($0.kpi) \(ReportLabels.period($0.period)) \(escape(report.label($0.breakdown)))\n" }.joined()
        if !report.notes.isEmpty {
            md += "\n### Notities\n\n" + report.notes.map { "- \($0)\n" }.joined()
        }
        return md
    }

    static func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
}
