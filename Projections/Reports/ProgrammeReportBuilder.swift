import EventLog
import Events
import FabriekReference
import GRDB
import PersonalData

/// Computes the "Maastricht goals" programme report as of a log position or instant, by
/// folding `ProgrammeKPIProjector` over the log prefix in memory and evaluating
/// `KPIDefinitions`: the same code as the live read model.
///
/// ```swift
/// let builder = ProgrammeReportBuilder(log: log, geography: reference.maastricht, vault: vault)
/// let report = try builder.report(asOf: log.position(at: endOfQuarter))
/// let html = ReportHTML.render(report)
/// ```
public struct ProgrammeReportBuilder: Sendable {
    let log: EventLog
    let geography: MaastrichtGeography
    let vault: PersonalDataVault?

    public init(log: EventLog, geography: MaastrichtGeography, vault: PersonalDataVault?) {
        self.log = log
        self.geography = geography
        self.vault = vault
    }

    /// The report as of the commit in force at `instant` (`EventLog.position(at:)`).
    public func report(at instant: Timestamp) throws -> Report {
        try report(asOf: log.position(at: instant))
    }

    /// The report from events `1...position`. Throws `ReportError.notACommitEnd` when
    /// `position` does not end a commit. The annex compares with any `ProgrammeReportIssued`
    /// for the same position found in the log now, and notes where the values differ.
    /// Costs one pass over the prefix.
    public func report(asOf position: UInt64) throws -> Report {
        guard let head = log.head(at: position) else {
            throw ReportError.notACommitEnd(position: position, head: log.head().position)
        }
        let queue = try InMemoryFold.run(ProgrammeKPIProjector(geography: geography, vault: vault), log: log, through: position)
        let (computed, goals, computedPeriods) = try queue.write { db -> ([KPICell], [ProgrammeKPIs.Goal], [KPIPeriod]) in
            let goals = try ProgrammeKPIs.goals(db)
            var periods = try KPIDefinitions.periods(db)
            for goal in goals where !periods.contains(where: { $0.label == goal.period }) {
                if let p = Self.period(goal.period) { periods.insert(p, at: periods.count - 1) }
            }
            let cells = try KPIDefinitions.compute(db, periods: periods)
            try ProgrammeKPIs.materialize(cells, in: db)
            return (cells, goals, periods)
        }
        let periods = computedPeriods.sorted { ($0.label == "programme" ? 1 : 0, $0.label) < ($1.label == "programme" ? 1 : 0, $1.label) }
        let cells = computed.sorted { ($0.kpi, $0.period, $0.breakdown) < ($1.kpi, $1.period, $1.breakdown) }
        let progress = goals.map { g in
            Report.GoalProgress(kpi: g.kpi, focusArea: g.focusArea, period: g.period,
                                target: KPICell(kpi: g.kpi, period: g.period, value: g.target, scale: g.scale),
                                realised: cells.first { $0.kpi == g.kpi && $0.period == g.period && $0.breakdown.isEmpty })
        }
        var report = Report(kind: .programme, title: "Maastricht goals — programme progress", asOf: head,
                            periods: periods.map(\.label), cells: cells, goals: progress,
                            definitions: KPIDefinitions.all.map { .init(code: $0.code, focusArea: $0.focusArea, summary: $0.summary) },
                            notes: [])
        report.notes = try IssuedReports.differences(of: report, in: log)
        return report
    }

    /// The quarters a goal period label covers: `2026` (a year), `2026-Q2`, or `programme`.
    static func period(_ label: String) -> KPIPeriod? {
        if label == "programme" { return .programme }
        if label.count == 4, Int(label) != nil { return KPIPeriod(label: label, first: label + "-Q1", last: label + "-Q4") }
        if label.count == 7, label.contains("-Q") { return .quarter(label) }
        return nil
    }
}
