import EventLog
import Events
import Foundation
import Hummingbird

/// `GET /api/v1/ocds/releases?since=DATE&position=N`: the OCDS release package of published
/// jobs (public open data: no token needed, no personal data in it).
public struct OCDSRoute: Sendable {
    let runtime: ServerRuntime

    func register(on router: Router<FabriekContext>) {
        router.operation("ocdsReleases", tokens: runtime.tokens) { request, _ in
            var since: Timestamp?
            if let raw = request.queryString("since") {
                guard let t = Self.instant(raw) else {
                    throw Problem.badRequest("since must be a date such as 2020-01-01", field: "since", rule: "date", value: raw)
                }
                since = t
            }
            let position = try request.queryPosition("position")
            if let position, position > runtime.log.head().position {
                throw Problem.badRequest("position \(position) is past the head", field: "position", rule: "range", value: "\(position)")
            }
            let log = runtime.log
            let data = try await Task.detached { try OCDSExport(log: log).bytes(since: since, asOf: position) }.value
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// A date means the start of that day (UTC); or an ISO 8601 instant.
    public static func instant(_ text: String) -> Timestamp? {
        if text.count == 10, let day = Day(iso: text) {
            return Timestamp(microsecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000)
        }
        return Timestamp(iso8601: text)
    }
}
