import Foundation

/// The report as CSV for Excel and LibreOffice in a Dutch locale: UTF-8 with a byte-order
/// mark, `;` between fields, CRLF line ends, fields quoted when they hold `;`, `"` or a line
/// break. First the provenance rows, then a blank line, then one row per cell: the machine keys
/// (`kpi`, `period`, `breakdown`, `value`, `scale`, `unit`, `suppressed`) and beside them the
/// Dutch labels and the figure as a reader sees it (`weergave`: decimal comma, `x` suppressed,
/// `–` no data). `value / 10^scale` is the figure; a suppressed cell has value 0.
public enum ReportCSV {
    public static func render(_ report: Report) -> String {
        var lines: [[String]] = [
            ["report", report.title],
            ["asOfPosition", String(report.asOf.position)],
            ["headHash", report.asOf.hash.hex],
            ["contentHash", report.contentHash],
            ["legenda", "x = onderdrukt (minder dan \(KPISuppression.threshold) personen of zaken, of terug te rekenen uit andere cellen); – = geen gegevens of niet van toepassing (0/0); * = rust op niet leesbare invoer (zie notities)"],
            [],
            ["kpi", "focusArea", "period", "breakdown", "value", "scale", "unit", "display", "suppressed",
             "kpiLabel", "periodLabel", "label", "weergave"],
        ]
        let areas = Dictionary(report.definitions.map { ($0.code, $0.focusArea) }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(report.definitions.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        for c in report.cells {
            lines.append([c.kpi, areas[c.kpi] ?? "", c.period, c.breakdown, String(c.value), String(c.scale), c.unit.rawValue, c.displayValue,
                          c.suppressed ? "yes" : "no", names[c.kpi] ?? c.kpi, ReportLabels.period(c.period), report.label(c.breakdown),
                          ReportLabels.figure(c) + (c.incomplete ? " *" : "")])
        }
        if !report.goals.isEmpty {
            lines.append([])
            lines.append(["goalKpi", "focusArea", "period", "target", "realised", "kpiLabel", "doel", "gerealiseerd"])
            for g in report.goals {
                lines.append([g.kpi, g.focusArea, g.period, g.target.displayValue, g.realised?.displayValue ?? "", names[g.kpi] ?? g.kpi,
                              ReportLabels.figure(g.target), g.realised.map(ReportLabels.figure) ?? "–"])
            }
        }
        for note in report.notes { lines += [[], ["note", note]] }
        return "\u{FEFF}" + lines.map { $0.map(field).joined(separator: ";") + "\r\n" }.joined()
    }

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
