import EventLog
import Events
import Foundation

/// Records that a report was issued: appends `ProgrammeReportIssued` with its published
/// (suppressed, non-personal) cells, as-of head, content hash and the canonical content itself
/// to the stream `report-{reportId}`, so the issued report is reproduced from the log byte for
/// byte (`IssuedReports.report`) whatever later erasures or missing keys change in a
/// recomputation.
///
/// Until issuing is a command of the application service (issue 11), the admin CLI calls this.
public enum ReportIssuer {
    /// The event that records `report` as issued under `reportId`.
    public static func event(for report: Report, reportId: UUID) -> ProgrammeReportIssued {
        // A SHA-256 in hex parses like a chain hash: 32 bytes.
        let contentHash = ChainHash(hex: report.contentHash)?.bytes ?? []
        return ProgrammeReportIssued(reportId: reportId, period: report.kind.rawValue, asOfPosition: report.asOf.position,
                                     headHash: report.asOf.hash.bytes, kpiValues: IssuedReports.kpiValues(of: report),
                                     contentHash: contentHash, content: report.canonicalContent.bytes)
    }

    /// Appends the event (id `eventId`, for idempotent retries) and returns the append result.
    /// Throws `LogError.wrongExpectedVersion` if the report id was already used.
    @discardableResult
    public static func issue(_ report: Report, reportId: UUID, eventId: UUID, to log: EventLog,
                             metadata: [String: String] = [:]) async throws -> AppendResult {
        let event = event(for: report, reportId: reportId)
        let proposed = ProposedEvent(id: eventId, type: ProgrammeReportIssued.typeName, schemaVersion: ProgrammeReportIssued.schemaVersion,
                                     metadata: metadata, payload: event.encodePayload())
        return try await log.append(stream: "report-\(String(id: reportId))", expectedVersion: .noStream, events: [proposed])
    }
}
