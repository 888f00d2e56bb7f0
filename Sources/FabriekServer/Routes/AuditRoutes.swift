import EventLog
import Fabriek
import Foundation
import Hummingbird
import Projections

/// The auditor's routes: the head digest, verification against a digest, the log as
/// server-sent events, the as-of reports (programme, YouRegion), the trace of a programme cell,
/// and issued programme reports (issue, list, reproduce).
struct AuditRoutes {
    let runtime: ServerRuntime

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("logHead", tokens: tokens) { _, _ in
            let head = runtime.log.head()
            return try JSONResponse.make(["position": head.position, "hash": head.hash.hex, "digest": "\(head.position):\(head.hash.hex)"],
                                         headers: [.fabriekPosition: "\(head.position)"])
        }
        router.operation("logVerify", tokens: tokens) { request, _ in
            var digest: LogHead?
            if let raw = request.queryString("digest") {
                let parts = raw.split(separator: ":")
                guard parts.count == 2, let position = UInt64(parts[0]), let hash = ChainHash(hex: String(parts[1])) else {
                    throw Problem.badRequest("digest must be POSITION:HASH as /api/v1/log/head gives it", field: "digest",
                                             rule: "digest", value: raw)
                }
                digest = LogHead(position: position, hash: hash)
            }
            let log = runtime.log
            let report = await Task.detached { log.verify(upTo: digest) }.value
            var body: [String: Any] = ["intact": report.isIntact, "eventsChecked": report.eventsChecked,
                                       "verifiedHead": ["position": report.verifiedHead.position, "hash": report.verifiedHead.hash.hex]]
            if let f = report.failure {
                body["failure"] = ["position": f.position, "segment": f.segment, "offset": f.offset, "reason": f.reason]
            }
            return try JSONResponse.make(body, status: report.isIntact ? .ok : .conflict)
        }
        router.operation("logEvents", tokens: tokens) { request, _ in
            try LogEventStream(log: runtime.log, vault: runtime.vault).response(for: request)
        }
        router.operation("programmeReport", tokens: tokens) { request, _ in
            try ReportRoute(runtime: runtime).programme(request)
        }
        router.operation("programmeTrace", tokens: tokens) { request, context in
            try ReportRoute(runtime: runtime).trace(request, role: try context.caller.role)
        }
        router.operation("youRegionReport", tokens: tokens) { request, _ in
            try ReportRoute(runtime: runtime).youRegion(request)
        }
        router.operation("issueProgrammeReport", tokens: tokens) { request, context in
            try await ReportRoute(runtime: runtime).issue(request, context: context)
        }
        router.operation("listIssuedReports", tokens: tokens) { _, _ in
            try ReportRoute(runtime: runtime).listIssued()
        }
        router.operation("getIssuedReport", tokens: tokens) { request, context in
            try ReportRoute(runtime: runtime).issued(request, context: context)
        }
    }
}
