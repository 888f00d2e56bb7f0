import EventLog
import Events
import Foundation

extension KPITrace {
    /// What the trace says about its status, one sentence.
    public var verdict: String {
        switch status {
        case .personal:
            return "not traced: a target-group cell keeps no list of events, so that no one can be tied to a self-declared group"
        case .suppressed:
            return "suppressed in the report (fewer than \(KPISuppression.threshold) people or things, or recoverable from other cells): no events are listed"
        case .forced, .traced:
            let check = matches ? "matches" : "DIFFERS FROM"
            return "recomputed from the \(lines.count) line(s): \(display(recomputed)); \(check) the \(issuedReportId == nil ? "report's" : "issued report's") value \(display(reportValue))"
        }
    }

    /// Plain text: the definition at the head, one line per event, the check at the end.
    public var text: String {
        var t = "Trace \(kpi) \(period) \(breakdown.isEmpty ? "(total)" : breakdown) — \(label)\n"
        t += "as of position \(asOf.position), head hash \(asOf.hash.hex)"
        if let issuedReportId { t += ", issued report \(String(id: issuedReportId))" }
        t += "\n\nDefinition: \(summary)\nCounts: \(counts)\nPeriod: \(periodRule)\nUnit: \(unit.rawValue)"
        if let fixedDenominator { t += " (fixed denominator \(fixedDenominator))" }
        t += "\n"
        if status == .forced { t += "\nFORCED: this cell is suppressed in the report; traced on an administrator's explicit request (--force-suppressed).\n" }
        if !lines.isEmpty {
            let rows = [["position", "recorded-at", "role", "contribution", "type", "stream"]]
                + lines.map { [String($0.position), "\($0.recordedAt)", $0.role.rawValue, contributionText($0), $0.type, $0.stream] }
            let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
            t += "\n"
            for row in rows {
                // Numbers right-aligned, text left-aligned; the stream (last column) unpadded.
                t += row.enumerated().map { c, field -> String in
                    guard c < 5 else { return field }
                    let pad = String(repeating: " ", count: widths[c] - field.count)
                    return c == 0 || c == 3 ? pad + field : field + pad
                }.joined(separator: "  ") + "\n"
            }
        }
        return t + "\n\(verdict)\n"
    }

    /// A line's contribution in words of the cell's unit: `+1`, `+1234.56 EUR`, `+90 min`. A
    /// percent's counted line adds 1 to the numerator, a base line 1 to the denominator.
    func contributionText(_ line: Line) -> String {
        switch unit {
        case .count, .distinct, .percent: return "+\(line.contribution)"
        case .euro:
            let cents = line.contribution.magnitude
            let frac = String(cents % 100)
            return (line.contribution < 0 ? "-" : "+") + "\(cents / 100).\(frac.count == 1 ? "0" + frac : frac) EUR"
        case .hours: return "+\(line.contribution) min"
        }
    }

    /// Canonical JSON (sorted keys): the cell, the definition, the lines and the check.
    public var json: CanonicalJSON {
        var o: [String: CanonicalJSON] = [
            "kpi": .string(kpi), "period": .string(period), "breakdown": .string(breakdown), "label": .string(label),
            "definition": .object(["summary": .string(summary), "counts": .string(counts), "periodRule": .string(periodRule)]),
            "unit": .string(unit.rawValue), "scale": .int(Int64(scale)),
            "asOf": .object(["position": .int(Int64(asOf.position)), "headHash": .string(asOf.hash.hex)]),
            "status": .string(status.rawValue), "forced": .bool(status == .forced),
            "lines": .array(lines.map { l in
                .object(["position": .int(Int64(l.position)), "recordedAt": .string("\(l.recordedAt)"), "stream": .string(l.stream),
                         "type": .string(l.type), "role": .string(l.role.rawValue), "contribution": .int(l.contribution)])
            }),
            "reportValue": reportValue.map(CanonicalJSON.int) ?? .null,
            "recomputed": recomputed.map(CanonicalJSON.int) ?? .null,
            "matches": .bool(matches),
        ]
        if let issuedReportId { o["issuedReportId"] = .string(String(id: issuedReportId)) }
        if let fixedDenominator { o["fixedDenominator"] = .int(fixedDenominator) }
        return .object(o)
    }

    /// CSV (`;`, CRLF, UTF-8 BOM like the reports): a header block, then one row per line.
    public var csv: String {
        var rows: [[String]] = [
            ["kpi", kpi], ["period", period], ["breakdown", breakdown], ["label", label], ["asOfPosition", String(asOf.position)],
            ["headHash", asOf.hash.hex], ["status", status.rawValue], ["definition", summary], ["counts", counts],
            ["reportValue", reportValue.map(String.init) ?? ""], ["recomputed", recomputed.map(String.init) ?? ""],
            ["matches", matches ? "yes" : "no"], [],
            ["position", "recordedAt", "stream", "type", "role", "contribution"],
        ]
        if let issuedReportId { rows.insert(["issuedReportId", String(id: issuedReportId)], at: 6) }
        for l in lines { rows.append([String(l.position), "\(l.recordedAt)", l.stream, l.type, l.role.rawValue, String(l.contribution)]) }
        return "\u{FEFF}" + rows.map { $0.map(ReportCSV.field).joined(separator: ";") + "\r\n" }.joined()
    }
}
