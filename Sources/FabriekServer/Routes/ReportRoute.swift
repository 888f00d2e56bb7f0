import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// The reports: `/api/v1/reports/programme?asOf=DATE|position=N&format=json|csv|md|html` and
/// `/api/v1/reports/youregion` (the same bytes as `fabriek-admin report programme|youregion` for
/// the same position: the same builders and renderers), the trace of one programme cell, and
/// the issued programme reports (`ReportRoute+Issued.swift`).
struct ReportRoute {
    let runtime: ServerRuntime

    func programme(_ request: Request) throws -> Response {
        let position = try position(request)
        let report = try ProgrammeReportBuilder(log: runtime.log, geography: runtime.reference.maastricht, vault: runtime.vault)
            .report(asOf: position)
        return try Self.render(report, request: request, position: position)
    }

    func youRegion(_ request: Request) throws -> Response {
        let position = try position(request)
        return try Self.render(try YouRegionReportBuilder(log: runtime.log).report(asOf: position), request: request, position: position)
    }

    /// `report` in the request's `format` (json by default), with the renderers `fabriek-admin`
    /// uses: byte for byte what it prints. `Fabriek-Position` is the report's as-of position.
    static func render(_ report: Report, request: Request, position: UInt64) throws -> Response {
        let format = request.queryString("format") ?? "json"
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

    /// `/api/v1/reports/programme/trace?kpi=&period=&breakdown=&asOf=|position=|issued=&format=json|text|csv`:
    /// the events one cell counts, as `fabriek-admin report trace` prints them. A suppressed
    /// cell lists no events; only an admin may force it (`force=true`, noted in the trace).
    func trace(_ request: Request, role: Role) throws -> Response {
        let log = runtime.log
        guard let kpi = request.queryString("kpi"), !kpi.isEmpty else {
            throw Problem.badRequest("kpi is required (a KPI code such as OPD-1)", field: "kpi", rule: "required")
        }
        guard let period = request.queryString("period"), !period.isEmpty else {
            throw Problem.badRequest("period is required (e.g. 2020-Q3, 2020 or programme)", field: "period", rule: "required")
        }
        let breakdown = request.queryString("breakdown") ?? ""
        let force = request.queryString("force") == "true"
        if force && role != .admin {
            throw Problem.forbidden("only the admin role may force the trace of a suppressed cell", rule: "role")
        }
        let tracer = KPITracer(log: log, geography: runtime.reference.maastricht, vault: runtime.vault)
        let trace: KPITrace
        do {
            if let issued = request.queryString("issued") {
                guard let id = UUID(uuidString: issued) else {
                    throw Problem.badRequest("issued must be a report id (a UUID)", field: "issued", rule: "uuid", value: issued)
                }
                trace = try tracer.trace(kpi: kpi, period: period, breakdown: breakdown, issued: id, force: force)
            } else {
                trace = try tracer.trace(kpi: kpi, period: period, breakdown: breakdown, asOf: try position(request), force: force)
            }
        } catch let e as TraceError {
            switch e {
            case .unknownKPI: throw Problem.badRequest("\(e)", field: "kpi", rule: "known", value: kpi)
            case .unknownCell, .unknownIssuedReport: throw Problem.notFound("\(e)")
            }
        }
        let format = request.queryString("format") ?? "json"
        let (text, type): (String, String)
        switch format {
        case "json": (text, type) = (trace.json.text + "\n", "application/json")
        case "text": (text, type) = (trace.text, "text/plain; charset=utf-8")
        case "csv": (text, type) = (trace.csv, "text/csv; charset=utf-8")
        default:
            throw Problem.badRequest("format must be json, text or csv", field: "format", rule: "enum", value: format)
        }
        var headers = HTTPFields()
        headers[.contentType] = type
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The position a query names: `position`, or `asOf` (a date or instant), else the head.
    private func position(_ request: Request) throws -> UInt64 {
        try position(given: try request.queryPosition("position"), asOf: request.queryString("asOf"))
    }

    /// `position` (at most the head), or the position in force at `asOf` (a date or instant),
    /// else the head; 400 naming `position` or `asOf` otherwise.
    func position(given position: UInt64?, asOf: String?) throws -> UInt64 {
        let log = runtime.log
        if let p = position {
            guard p <= log.head().position else {
                throw Problem.badRequest("position \(p) is past the head \(log.head().position)", field: "position", rule: "range", value: "\(p)")
            }
            return p
        }
        if let asOf {
            guard let instant = Self.instant(asOf) else {
                throw Problem.badRequest("asOf must be a date (2020-12-31, the end of that day UTC) or an ISO 8601 instant",
                                         field: "asOf", rule: "date", value: asOf)
            }
            return log.position(at: instant)
        }
        return log.head().position
    }

    /// A date means the end of that day (UTC), as in `fabriek-admin report`.
    static func instant(_ text: String) -> Timestamp? {
        if text.count == 10, let day = Day(iso: text) {
            return day.utcEnd
        }
        return Timestamp(iso8601: text)
    }
}
