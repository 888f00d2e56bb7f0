import Events
import Foundation

/// The decider of an issued programme report (stream `report-{reportId}`).
///
/// A report id is issued once. Issuing the same report again (same id and content, e.g. a
/// retried command) changes nothing; issuing other content under an issued id is refused with
/// `DomainError.alreadyExists`.
public enum ReportDecider: Decider {
    public static let initialState = ReportState(issued: nil)

    /// The stream of report `reportId`, e.g. `report-1d000000-0000-4000-8000-0000000000f0`.
    public static func streamId(_ reportId: UUID) -> String { StreamID.report(reportId) }

    public static func decide(_ command: ProgrammeReportCommand, state: ReportState,
                              context: DecisionContext) throws(DomainError) -> [ProgrammeEvent] {
        switch command {
        case .issue(let report):
            guard !report.period.trimmingWhitespace.isEmpty else {
                throw .validation(ValidationError(field: "period", rule: .required, value: report.period))
            }
            guard report.headHash.count == 32 else {
                throw .validation(ValidationError(field: "headHash", rule: .sha256Length, value: "\(report.headHash.count) bytes"))
            }
            guard report.contentHash.count == 32 else {
                throw .validation(ValidationError(field: "contentHash", rule: .sha256Length, value: "\(report.contentHash.count) bytes"))
            }
            if let issued = state.issued {
                if issued == report { return [] }
                throw .alreadyExists(stream: streamId(report.reportId))
            }
            return [.reportIssued(report)]
        }
    }

    public static func evolve(_ state: ReportState, _ event: ProgrammeEvent) -> ReportState {
        if case .reportIssued(let e) = event { return ReportState(issued: e) }
        return state
    }
}

/// The issued report of a `report-{id}` stream; `nil` before `ProgrammeReportIssued`.
public struct ReportState: Sendable, Hashable {
    public var issued: ProgrammeReportIssued?
}
