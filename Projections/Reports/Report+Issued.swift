import EventLog
import Events
import Foundation

extension Report {
    /// The `ProgrammeReportIssued` that records this report as issued under `reportId`: its
    /// published (suppressed, non-personal) KPI values, as-of position and chain hash, content
    /// hash and the canonical content itself, so that `IssuedReports.report` reproduces every
    /// format byte for byte whatever later erasures or missing keys change in a recomputation.
    ///
    /// Issuing is a command of the write side: pass the event to the application service as
    /// `ReportDecider`'s `.issue` on stream `ReportDecider.streamId(reportId)`.
    public func issuedEvent(reportId: UUID) -> ProgrammeReportIssued {
        // A SHA-256 in hex parses like a chain hash: 32 bytes.
        let contentHash = ChainHash(hex: self.contentHash)?.bytes ?? []
        return ProgrammeReportIssued(reportId: reportId, period: kind.rawValue, asOfPosition: asOf.position,
                                     headHash: asOf.hash.bytes, kpiValues: IssuedReports.kpiValues(of: self),
                                     contentHash: contentHash, content: canonicalContent.bytes)
    }
}
