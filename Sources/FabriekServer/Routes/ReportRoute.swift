import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// `/api/v1/reports/programme?asOf=DATE|position=N&format=json|csv|md|html`: the same bytes
/// as `fabriek-admin report programme` for the same position (the same builder and renderers).
struct ReportRoute {
    let runtime: ServerRuntime

    func programme(_ request: Request) throws -> Response {
        let log = runtime.log
        let position: UInt64
        if let p = try request.queryPosition("position") {
            guard p <= log.head().position else {
                throw Problem.badRequest("position \(p) is past the head \(log.head().position)", field: "position", rule: "range", value: "\(p)")
            }
            position = p
        } else if let asOf = request.queryString("asOf") {
            guard let instant = Self.instant(asOf) else {
                throw Problem.badRequest("asOf must be a date (2020-12-31, the end of that day UTC) or an ISO 8601 instant",
                                         field: "asOf", rule: "date", value: asOf)
            }
            position = log.position(at: instant)
        } else {
            position = log.head().position
        }
        let format = request.queryString("format") ?? "json"
        let report = try ProgrammeReportBuilder(log: log, geography: runtime.reference.maastricht, vault: runtime.vault)
            .report(asOf: position)
        let (text, type): (String, String)
        switch format {
        case "json": (text, type) = (ReportJSON.render(report), "application/json")
        case "csv": (text, type) = (ReportCSV.render(report), "text/csv; charset=utf-8")
        case "md": (text, type) = (ReportMarkdown.render(report), "text/markdown; charset=utf-8")
        case "html": (text, type) = (ReportHTML.render(report), "text/html; charset=utf-8")
        default:
            throw Problem.badRequest("format must be json, csv, md or html", field: "format", rule: "enum", value: format)
        }
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.fabriekPosition] = "\(position)"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A date means the end of that day (UTC), as in `fabriek-admin report`.
    static func instant(_ text: String) -> Timestamp? {
        if text.count == 10, let day = Day(iso: text) {
            return Timestamp(microsecondsSinceEpoch: (Int64(day.daysSinceEpoch) + 1) * 86_400_000_000 - 1)
        }
        return ISO8601Time.parse(text)
    }
}
