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

    /// The cells of a programme report as of `position`, before and after suppression.
    public struct Computation: Sendable {
        public var head: LogHead
        /// Every cell as computed, nothing suppressed, with its contributions (for traces).
        public var raw: [KPICell]
        /// The cells as published: suppressed (`KPISuppression`), incomplete ones marked.
        public var published: [KPICell]
        public var goals: [ProgrammeKPIs.Goal]
        /// Period labels in time order, quarters and goal periods first, `programme` last.
        public var periods: [String]
        public var unreadable: UnreadableInputs
        /// Events the projector could not apply (skipped; named in the annex).
        public var skipped: [SkippedEvent]
    }

    /// Folds the log up to `position` and computes every cell. Throws
    /// `ReportError.notACommitEnd` when `position` does not end a commit. Costs two passes over
    /// the prefix (the fold, and a look at the sealed target groups).
    public func compute(asOf position: UInt64) throws -> Computation {
        guard let head = log.head(at: position) else {
            throw ReportError.notACommitEnd(position: position, head: log.head().position)
        }
        let (queue, skipped) = try InMemoryFold.runSkipping(ProgrammeKPIProjector(geography: geography, vault: vault), log: log, through: position)
        let categories = KPIDefinitions.categories(geography: geography)
        let (raw, goals, computedPeriods) = try queue.write { db -> ([KPICell], [ProgrammeKPIs.Goal], [KPIPeriod]) in
            let goals = try ProgrammeKPIs.goals(db)
            let periods = try ProgrammeKPIs.periods(db, goals: goals)
            let raw = try KPIDefinitions.compute(db, periods: periods, suppress: false)
            return (raw, goals, periods)
        }
        var published = KPISuppression.apply(raw, relations: .init(stockKPIs: Set(KPIDefinitions.all.filter(\.stock).map(\.code))),
                                             categories: categories)
            .sorted { ($0.kpi, $0.period, $0.breakdown) < ($1.kpi, $1.period, $1.breakdown) }
        let unreadable = try UnreadableInputs.find(in: log, through: position, vault: vault)
        if !unreadable.isEmpty {
            for i in published.indices where published[i].breakdown.contains("targetGroup=") { published[i].incomplete = true }
        }
        let periods = computedPeriods.sorted { ($0.label == "programme" ? 1 : 0, $0.label) < ($1.label == "programme" ? 1 : 0, $1.label) }
        return Computation(head: head, raw: raw, published: published, goals: goals, periods: periods.map(\.label), unreadable: unreadable,
                           skipped: skipped)
    }

    /// The report from events `1...position`. Throws `ReportError.notACommitEnd` when
    /// `position` does not end a commit. The annex states the inputs it could not read
    /// (`UnreadableInputs`) and compares with any `ProgrammeReportIssued` for the same position
    /// found in the log now, noting where the values differ. Costs three passes over the prefix.
    public func report(asOf position: UInt64) throws -> Report {
        let c = try compute(asOf: position)
        let cells = c.published
        let progress = c.goals.map { g in
            Report.GoalProgress(kpi: g.kpi, focusArea: g.focusArea, period: g.period,
                                target: KPICell(kpi: g.kpi, period: g.period, value: g.target, scale: g.scale,
                                                unit: cells.first { $0.kpi == g.kpi && $0.breakdown.isEmpty }?.unit),
                                realised: cells.first { $0.kpi == g.kpi && $0.period == g.period && $0.breakdown.isEmpty })
        }
        var labels: [String: String] = [:]
        for cell in cells where labels[cell.breakdown] == nil { labels[cell.breakdown] = ReportLabels.breakdown(cell.breakdown, geography: geography) }
        var report = Report(kind: .programme, title: "Maastricht goals — voortgang van het programma", asOf: c.head,
                            periods: c.periods, cells: cells, goals: progress,
                            definitions: KPIDefinitions.all.map { .init(code: $0.code, focusArea: $0.focusArea, summary: $0.summary) },
                            notes: [], labels: labels)
        report.notes = SkippedEvents.notes(c.skipped) + (c.unreadable.note.map { [$0] } ?? []) + (try IssuedReports.differences(of: report, in: log))
        return report
    }
}
