import EventLog
import Events
import Foundation

/// Records that a report was issued: appends `ProgrammeReportIssued` with its KPI values, as-of
/// head and content hash to the stream `report-{reportId}`, so the issued figures stay
/// verifiable from the log whatever later erasures change in a recomputation.
public enum ReportIssuer {
    /// Appends the event (id `eventId`, for idempotent retries) and returns the append result.
    /// Throws `LogError.wrongExpectedVersion` if the report id was already used.
    @discardableResult
    public static func issue(_ report: Report, reportId: UUID, eventId: UUID, to log: EventLog,
                             metadata: [String: String] = [:]) async throws -> AppendResult {
        // A SHA-256 in hex parses like a chain hash: 32 bytes.
        let contentHash = ChainHash(hex: report.contentHash)?.bytes ?? []
        let event = ProgrammeReportIssued(reportId: reportId, period: report.kind.rawValue, asOfPosition: report.asOf.position,
                                          headHash: report.asOf.hash.bytes, kpiValues: IssuedReports.kpiValues(of: report),
                                          contentHash: contentHash)
        let proposed = ProposedEvent(id: eventId, type: ProgrammeReportIssued.typeName, schemaVersion: ProgrammeReportIssued.schemaVersion,
                                     metadata: metadata, payload: event.encodePayload())
        return try await log.appendChecked(stream: "report-\(String(id: reportId))", expectedVersion: .noStream, events: [proposed])
    }
}
