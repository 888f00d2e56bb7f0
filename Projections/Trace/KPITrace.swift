import EventLog
import Events
import FabriekReference
import Foundation
import PersonalData

/// The auditor's trace of one programme KPI cell: every event the cell counts, as of a log
/// position, with what each contributed, the value recomputed from exactly those lines, and
/// whether it matches the report's value.
///
/// Built like the report (`ProgrammeReportBuilder.compute`, a fold of `1...position`), so a
/// trace of a past report is reproducible byte for byte. A suppressed cell is not traced (no
/// lines) unless `force` is given, which the trace records; a target-group cell is never
/// traced. Lines name events by position, recorded-at, stream, type, role and contribution:
/// never a personal field.
public struct KPITrace: Sendable, Hashable {
    /// One event the cell counts.
    public struct Line: Sendable, Hashable {
        public var position: UInt64
        public var recordedAt: Timestamp
        public var stream: String
        public var type: String
        public var role: KPIContribution.Role
        /// What the event adds: +1, cents, minutes, or (distinct counts) the things it names
        /// that no earlier line named.
        public var contribution: Int64
    }

    public enum Status: String, Sendable, Hashable {
        /// The lines are listed and recomputed.
        case traced
        /// Suppressed in the report: no lines, so the trace never undoes suppression.
        case suppressed
        /// Suppressed, traced anyway on an administrator's explicit request (`force`).
        case forced
        /// A target-group cell: it keeps no event list, so it cannot be tied to members.
        case personal
    }

    public var kpi: String
    public var period: String
    public var breakdown: String
    /// The breakdown's Dutch label.
    public var label: String
    public var code: String { kpi }
    public var summary: String
    public var counts: String
    public var periodRule: String
    public var unit: KPICell.Unit
    public var scale: UInt32
    public var asOf: LogHead
    /// The issued report the trace was checked against, if any.
    public var issuedReportId: UUID?
    public var status: Status
    public var lines: [Line]
    /// The value in the report (the issued value with `--issued`); nil for a suppressed cell.
    public var reportValue: Int64?
    /// The value recomputed from `lines`; nil when no lines are shown.
    public var recomputed: Int64?
    /// The fixed denominator of a share that has no base lines (FAC-1's 10,000).
    public var fixedDenominator: Int64?

    /// True unless lines were recomputed and differ from the value they are checked against.
    public var matches: Bool { recomputed == nil || reportValue == nil || recomputed == reportValue }

    /// `value` as decimal text in the cell's unit scale.
    public func display(_ value: Int64?) -> String {
        guard let value else { return "–" }
        return KPICell(kpi: kpi, period: period, value: value, scale: scale, unit: unit, denominator: 1).displayValue
    }
}

/// Why a trace could not be made, and what to ask instead.
public enum TraceError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownKPI(String)
    case unknownCell(kpi: String, period: String, breakdown: String, periods: [String], breakdowns: [String])
    case unknownIssuedReport(UUID)

    public var description: String {
        switch self {
        case .unknownKPI(let k):
            return "unknown KPI '\(k)'; trace one of \(KPIDefinitions.all.map(\.code).joined(separator: ", "))"
        case .unknownCell(let k, let p, let b, let periods, let breakdowns):
            return "the report has no cell \(k) \(p) '\(b)'; periods: \(periods.joined(separator: ", ")); breakdowns of \(k): "
                + breakdowns.map { $0.isEmpty ? "'' (total)" : $0 }.joined(separator: ", ")
        case .unknownIssuedReport(let id):
            return "no ProgrammeReportIssued with report id \(String(id: id)) in the log; list them with 'report issued --list'"
        }
    }
}

/// Makes `KPITrace`s from a log: the library function behind `fabriek-admin report trace` and
/// the server's `GET /api/v1/reports/programme/trace`.
public struct KPITracer: Sendable {
    let builder: ProgrammeReportBuilder
    let log: EventLog
    let geography: MaastrichtGeography

    public init(log: EventLog, geography: MaastrichtGeography, vault: PersonalDataVault?) {
        self.log = log
        self.geography = geography
        self.builder = ProgrammeReportBuilder(log: log, geography: geography, vault: vault)
    }

    /// The trace of `kpi`/`period`/`breakdown` (empty: the headline) as of `position`, checked
    /// against the report computed as of that position. Throws `TraceError` for an unknown KPI
    /// or cell, `ReportError.notACommitEnd` for a position inside a commit. Costs the report's
    /// passes over `1...position` plus one to find the events.
    public func trace(kpi: String, period: String, breakdown: String = "", asOf position: UInt64, force: Bool = false) throws -> KPITrace {
        try trace(kpi: kpi, period: period, breakdown: breakdown, position: position, force: force, issued: nil)
    }

    /// The trace of a cell of an issued report, as of its position, checked against the value it
    /// recorded (`ProgrammeReportIssued`).
    public func trace(kpi: String, period: String, breakdown: String = "", issued reportId: UUID, force: Bool = false) throws -> KPITrace {
        guard let issued = try IssuedReports.all(in: log).first(where: { $0.reportId == reportId }) else {
            throw TraceError.unknownIssuedReport(reportId)
        }
        return try trace(kpi: kpi, period: period, breakdown: breakdown, position: issued.asOfPosition, force: force, issued: issued)
    }

    func trace(kpi: String, period: String, breakdown: String, position: UInt64, force: Bool, issued: ProgrammeReportIssued?) throws -> KPITrace {
        guard let definition = KPIDefinitions.definition(kpi) else { throw TraceError.unknownKPI(kpi) }
        let computation = try builder.compute(asOf: position)
        let match = { (c: KPICell) in c.kpi == kpi && c.period == period && c.breakdown == breakdown }
        guard let published = computation.published.first(where: match) else {
            let ofKPI = computation.published.filter { $0.kpi == kpi }
            throw TraceError.unknownCell(kpi: kpi, period: period, breakdown: breakdown, periods: computation.periods,
                                         breakdowns: Array(Set(ofKPI.map(\.breakdown))).sorted())
        }
        let raw = computation.raw.first(where: match) ?? published
        var issuedValue: (value: Int64, suppressed: Bool)?
        if let issued {
            let key = "period=\(period)" + (breakdown.isEmpty ? "" : ";" + breakdown)
            if let v = issued.kpiValues.first(where: { $0.kpiCode == kpi && $0.breakdown == key }) { issuedValue = (v.value, v.suppressed) }
        }
        let suppressed = issuedValue?.suppressed ?? published.suppressed
        var trace = KPITrace(kpi: kpi, period: period, breakdown: breakdown,
                             label: ReportLabels.breakdown(breakdown, geography: geography), summary: definition.summary,
                             counts: definition.counts, periodRule: definition.periodRule, unit: raw.unit, scale: raw.scale,
                             asOf: computation.head, issuedReportId: issued?.reportId, status: .traced, lines: [],
                             reportValue: suppressed ? nil : (issuedValue?.value ?? published.value), recomputed: nil,
                             fixedDenominator: nil)
        if breakdown.contains("targetGroup=") {
            trace.status = .personal
            return trace
        }
        if suppressed {
            guard force else {
                trace.status = .suppressed
                return trace
            }
            trace.status = .forced
            trace.reportValue = raw.value
        }
        trace.lines = try lines(of: raw, through: position)
        trace.recomputed = Self.recompute(trace.lines, unit: raw.unit, fixedDenominator: raw.denominator)
        if raw.unit == .percent, !trace.lines.contains(where: { $0.role == .base }) { trace.fixedDenominator = raw.denominator }
        return trace
    }

    /// The cell's contributions as lines in log order; distinct counts credited to the first
    /// line naming each thing.
    func lines(of cell: KPICell, through position: UInt64) throws -> [KPITrace.Line] {
        var byId: [String: [KPIContribution]] = [:]
        for c in cell.contributions { byId[c.eventId, default: []].append(c) }
        var lines: [(KPITrace.Line, [String])] = []
        if !byId.isEmpty {
            try log.forEachEvent(from: 1, through: position) { e in
                guard let contributions = byId[e.idText] else { return }
                for c in contributions {
                    lines.append((KPITrace.Line(position: e.position, recordedAt: e.recordedAt, stream: e.stream, type: e.type,
                                                role: c.role, contribution: c.amount), c.keys))
                }
            }
        }
        lines.sort { ($0.0.position, $0.0.role == .counted ? 0 : 1) < ($1.0.position, $1.0.role == .counted ? 0 : 1) }
        guard cell.unit == .distinct else { return lines.map(\.0) }
        var seen: Set<String> = []
        return lines.map { line, keys in
            var l = line
            l.contribution = Int64(Set(keys).subtracting(seen).count)
            seen.formUnion(keys)
            return l
        }
    }

    /// The cell's value from the lines alone, by its unit's rule (`KPICell.Unit`).
    static func recompute(_ lines: [KPITrace.Line], unit: KPICell.Unit, fixedDenominator: Int64?) -> Int64 {
        let counted = lines.filter { $0.role == .counted }.reduce(Int64(0)) { $0 + $1.contribution }
        switch unit {
        case .count, .distinct, .euro: return counted
        case .hours: return KPIDefinitions.hours(minutes: counted)
        case .percent:
            let base = lines.filter { $0.role == .base }
            return KPIDefinitions.percent(counted, base.isEmpty ? (fixedDenominator ?? 0) : Int64(base.count))
        }
    }
}
