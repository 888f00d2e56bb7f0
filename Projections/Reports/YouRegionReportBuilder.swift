import EventLog
import GRDB

/// Computes the YouRegion report as of a position or instant: registrations per quarter of
/// their start by direction, work country, EMR region and A1 status (VER-3 is in the
/// programme report). Folds
/// `YouRegionProjector` over the log prefix in memory; cells under 5 are suppressed.
public struct YouRegionReportBuilder: Sendable {
    let log: EventLog

    public init(log: EventLog) { self.log = log }

    public func report(at instant: Timestamp) throws -> Report {
        try report(asOf: log.position(at: instant))
    }

    /// The report from events `1...position`; throws `ReportError.notACommitEnd` when the
    /// position does not end a commit.
    public func report(asOf position: UInt64) throws -> Report {
        guard let head = log.head(at: position) else {
            throw ReportError.notACommitEnd(position: position, head: log.head().position)
        }
        let (queue, skipped) = try InMemoryFold.runSkipping(YouRegionProjector(), log: log, through: position)
        let (cells, periods) = try queue.read { db -> ([KPICell], [String]) in
            let quarters = try YouRegionRegister.counts(db, by: .period).map(\.0)
            var cells: [KPICell] = []
            for period in quarters + ["programme"] {
                let p: String? = period == "programme" ? nil : period
                let total = try YouRegionRegister.counts(db, by: .direction, period: p).reduce(0) { $0 + $1.1 }
                cells.append(KPICell(kpi: "YR-1", period: period, value: Int64(total)))
                for dimension in [YouRegionRegister.Dimension.direction, .workCountry, .region, .a1Status] {
                    for (value, n) in try YouRegionRegister.counts(db, by: dimension, period: p) {
                        cells.append(KPICell(kpi: "YR-1", period: period, breakdown: "\(dimension)=\(value)", value: Int64(n)))
                    }
                }
            }
            return (KPISuppression.apply(cells).sorted { ($0.kpi, $0.period, $0.breakdown) < ($1.kpi, $1.period, $1.breakdown) }, quarters + ["programme"])
        }
        var report = Report(kind: .youRegion, title: "YouRegion — cross-border work register", asOf: head, periods: periods,
                            cells: cells, goals: [],
                            definitions: [.init(code: "YR-1", focusArea: "youRegion",
                                                summary: "Cross-border registrations (CrossBorderWorkRegistered) by quarter of their start day, by direction (NL→BE, NL→DE, BE/DE→NL, other), work country, EMR region and latest A1 status.")],
                            notes: [])
        report.notes = SkippedEvents.notes(skipped) + (try IssuedReports.differences(of: report, in: log))
        return report
    }
}
