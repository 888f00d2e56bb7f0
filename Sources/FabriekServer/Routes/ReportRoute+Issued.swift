import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// Issued programme reports: issuing one (`POST /api/v1/reports/programme/issued`, a command of
/// the write side: `ReportDecider`'s `.issue` through the application service), the list, and
/// one reproduced from its `ProgrammeReportIssued` (`GET .../issued/{reportId}?format=`): the
/// same bytes as `fabriek-admin report issued ID --format FORMAT`, whatever was erased since.
extension ReportRoute {
    /// Body: `position` or `asOf` (else the head), optional `reportId` (else a new one).
    func issue(_ request: Request, context: FabriekContext) async throws -> Response {
        let j = try await RequestBody.object(request, context: context)
        let given: UInt64? = try j.optional("position")
        let asOf: String? = try j.optional("asOf")
        if given != nil && asOf != nil {
            throw Problem.badRequest("give at most one of position and asOf", field: "asOf", rule: "exclusive", value: asOf)
        }
        let position = try position(given: given, asOf: asOf)
        let reportId: UUID = try CommandResponder.createdID(try j.optional("reportId"), field: "reportId", request: request, context: context)
        let report = try ProgrammeReportBuilder(log: runtime.log, geography: runtime.reference.maastricht, vault: runtime.vault)
            .report(asOf: position)
        return try await CommandResponder(runtime: runtime).run(
            ReportDecider.self, stream: ReportDecider.streamId(reportId), command: .issue(report.issuedEvent(reportId: reportId)),
            request: request, context: context, created: true
        ) { outcome in
            // From the events written (or stored, for an idempotent retry): the issued report itself.
            for case .programme(.reportIssued(let r)) in outcome.events {
                return ["reportId": r.reportId.uuidString.lowercased(), "asOfPosition": r.asOfPosition,
                        "contentHash": Self.hex(r.contentHash)]
            }
            return [:]
        }
    }

    /// Every issued report, in log order: id, kind, as-of position, chain and content hashes,
    /// and whether its content is recorded (reproducible byte for byte).
    func listIssued() throws -> Response {
        let issued = try IssuedReports.all(in: runtime.log).map { r -> [String: Any] in
            ["reportId": r.reportId.uuidString.lowercased(), "period": r.period, "asOfPosition": r.asOfPosition,
             "headHash": Self.hex(r.headHash), "contentHash": Self.hex(r.contentHash), "reproducible": r.content != nil]
        }
        return try JSONResponse.make(["reports": issued])
    }

    /// The issued report `reportId` in the request's format; 404 when none was issued under it.
    func issued(_ request: Request, context: FabriekContext) throws -> Response {
        let id = try context.uuid("reportId")
        let report: Report
        do {
            report = try IssuedReports.report(id, in: runtime.log)
        } catch let e as IssuedReportError {
            switch e {
            case .notFound: throw Problem.notFound("\(e)")
            case .noContent: throw Problem(status: 409, title: "Conflict", detail: "\(e)", rule: "issuedReport.noContent")
            case .hashMismatch: throw Problem(status: 500, title: "Internal Server Error", detail: "\(e)", rule: "issuedReport.hashMismatch")
            }
        }
        return try Self.render(report, request: request, position: report.asOf.position)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
