import Foundation

/// The report as CSV for Excel and LibreOffice: UTF-8 with a byte-order mark, `;` between
/// fields (the Dutch Excel default), CRLF line ends, fields quoted when they hold `;`, `"` or a
/// line break. First the provenance rows, then a blank line, then one row per cell.
public enum ReportCSV {
    public static func render(_ report: Report) -> String {
        var lines: [[String]] = [
            ["report", report.title],
            ["asOfPosition", String(report.asOf.position)],
            ["headHash", report.asOf.hash.hex],
            ["contentHash", report.contentHash],
            [],
            ["kpi", "focusArea", "period", "breakdown", "value", "scale", "display", "suppressed"],
        ]
        let areas = Dictionary(report.definitions.map { ($0.code, $0.focusArea) }, uniquingKeysWith: { a, _ in a })
        for c in report.cells {
            lines.append([c.kpi, areas[c.kpi] ?? "", c.period, c.breakdown, String(c.value), String(c.scale), c.displayValue,
                          c.suppressed ? "yes" : "no"])
        }
        if !report.goals.isEmpty {
            lines.append([])
            lines.append(["goalKpi", "focusArea", "period", "target", "realised"])
            for g in report.goals { lines.append([g.kpi, g.focusArea, g.period, g.target.displayValue, g.realised?.displayValue ?? ""]) }
        }
        for note in report.notes { lines += [[], ["note", note]] }
        return "\u{FEFF}" + lines.map { $0.map(field).joined(separator: ";") + "\r\n" }.joined()
    }

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
