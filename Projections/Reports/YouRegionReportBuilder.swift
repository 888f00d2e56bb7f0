import EventLog
import Events
import GRDB

/// Computes the YouRegion report as of a position or instant: registrations per quarter of
/// their start by direction, work country, EMR region and A1 status (VER-3 is in the
/// programme report). Folds
/// `YouRegionProjector` over the log prefix in memory; cells are suppressed as in the
/// programme report (`KPISuppression`: small counts, totals vs categories, quarters vs programme).
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
            let categories = ["direction": ["BE/DE→NL", "NL→BE", "NL→DE", "other"], "workCountry": ["BE", "DE", "NL"],
                              "region": EmrRegion.allCases.map(\.rawValue), "a1Status": ["none"] + A1Status.allCases.map(\.rawValue)]
            return (KPISuppression.apply(cells, categories: categories).sorted { ($0.kpi, $0.period, $0.breakdown) < ($1.kpi, $1.period, $1.breakdown) }, quarters + ["programme"])
        }
        var labels: [String: String] = [:]
        for cell in cells where labels[cell.breakdown] == nil { labels[cell.breakdown] = ReportLabels.breakdown(cell.breakdown, geography: nil) }
        var report = Report(kind: .youRegion, title: "YouRegion — register van grensoverschrijdend werk", asOf: head, periods: periods,
                            cells: cells, goals: [],
                            definitions: [.init(code: "YR-1", focusArea: "youRegion",
                                                summary: "Grensoverschrijdende registraties (CrossBorderWorkRegistered) per kwartaal van hun startdag, per richting (NL→BE, NL→DE, BE/DE→NL, overig), werkland, EMR-regio en laatste A1-status.",
                                                name: "Grensoverschrijdende registraties")],
                            notes: [], labels: labels)
        report.notes = SkippedEvents.notes(skipped) + (try IssuedReports.differences(of: report, in: log))
        return report
    }
}
