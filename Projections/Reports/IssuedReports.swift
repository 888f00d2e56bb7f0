import Crypto
import EventLog
import Events
import Foundation

/// Reports issued into the log (`ProgrammeReportIssued`) and how a recomputation compares.
///
/// An issued report keeps its KPI values and content hash in the log. After a member's
/// erasure their sealed target groups can no longer be read, so a recomputation as of the same
/// position may count fewer people in target-group cells. The issued values stay the record;
/// the annex of the recomputed report names the differing cells.
public enum IssuedReports {
    /// Every `ProgrammeReportIssued` in the log, in log order. Costs one pass over the log
    /// (a type check per event; only report events are decoded).
    public static func all(in log: EventLog) throws -> [ProgrammeReportIssued] {
        var found: [ProgrammeReportIssued] = []
        try log.forEachEvent(from: 1) { e in
            guard e.hasType("ProgrammeReportIssued"), case .programme(.reportIssued(let r)) = try e.domainEvent() else { return }
            found.append(r)
        }
        return found
    }

    /// The issued report `reportId`, reproduced from the content its `ProgrammeReportIssued`
    /// recorded: the same bytes in every format as when it was issued, whatever was erased or
    /// whichever keys are missing since. Throws `IssuedReportError` when no such report was
    /// issued, when it was recorded without content, or when the content does not match its
    /// recorded hash.
    public static func report(_ reportId: UUID, in log: EventLog) throws -> Report {
        guard let issued = try all(in: log).first(where: { $0.reportId == reportId }) else {
            throw IssuedReportError.notFound(reportId)
        }
        guard let content = issued.content else { throw IssuedReportError.noContent(reportId) }
        let hash = SHA256.hash(data: content).map { $0 }
        guard hash == issued.contentHash else { throw IssuedReportError.hashMismatch(reportId) }
        return try Report(content: content)
    }

    /// The issued cells of a report: `KpiValue` breakdowns carry the period first
    /// (`period=2026-Q2;wijk=WK093501`).
    static func kpiValues(of report: Report) -> [KpiValue] {
        report.cells.map { c in
            KpiValue(kpiCode: c.kpi, breakdown: "period=\(c.period)" + (c.breakdown.isEmpty ? "" : ";" + c.breakdown),
                     value: c.value, scale: c.scale, suppressed: c.suppressed)
        }
    }

    /// Annex notes for `report`: one per issued report of the same kind and position whose
    /// values differ from the recomputation, naming the cells.
    static func differences(of report: Report, in log: EventLog) throws -> [String] {
        let issued = try all(in: log).filter { $0.asOfPosition == report.asOf.position && $0.period == report.kind.rawValue }
        let now = Dictionary(kpiValues(of: report).map { ($0.kpiCode + " " + $0.breakdown, $0) }, uniquingKeysWith: { a, _ in a })
        var notes: [String] = []
        for r in issued {
            let then = Dictionary(r.kpiValues.map { ($0.kpiCode + " " + $0.breakdown, $0) }, uniquingKeysWith: { a, _ in a })
            let differing = Set(now.keys).union(then.keys).filter { now[$0] != then[$0] }.sorted()
            guard !differing.isEmpty else { continue }
            let hash = r.contentHash.map { String(format: "%02x", $0) }.joined()
            notes.append("Issued report \(String(id: r.reportId)) (content hash \(hash)) for this position holds different values in "
                + "\(differing.count) cell(s): \(differing.joined(separator: ", ")). Target-group data of members erased since it was "
                + "issued can no longer be read; the issued values, recorded in the log, remain the record.")
        }
        return notes
    }
}

/// Why an issued report cannot be reproduced, and what to do.
public enum IssuedReportError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(UUID)
    case noContent(UUID)
    case hashMismatch(UUID)

    public var description: String {
        switch self {
        case .notFound(let id):
            return "no report with id \(String(id: id)) was issued in this log; list the issued reports with 'report issued --list'"
        case .noContent(let id):
            return "report \(String(id: id)) was issued before reports recorded their content; only its cells are in the log ('log dump --stream report-\(String(id: id))')"
        case .hashMismatch(let id):
            return "the content recorded for report \(String(id: id)) does not match its recorded content hash; verify the log with 'log verify'"
        }
    }
}
