import EventLog
import Fabriek
import FabriekServer
import Foundation
import Projections
import Testing

/// Health, readiness, the auditor's log routes and the as-of report.
@Suite(.serialized) struct AuditRouteTests {
    @Test("given a started server, then /healthz answers and /readyz turns ready once the projections reach the head")
    func healthAndReadiness() async throws {
        try await ServerHarness.run { h in
            #expect(try await h.call("GET", "/healthz").status == 200)
            let deadline = ContinuousClock.now + .seconds(60)
            var ready = try await h.call("GET", "/readyz")
            while ready.status != 200 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                ready = try await h.call("GET", "/readyz")
            }
            #expect(ready.status == 200)
            #expect(ready.json["ready"] as? Bool == true)
        }
    }

    @Test("given the log head digest, then /log/verify with it is intact and a wrong hash is not")
    func headAndVerify() async throws {
        try await ServerHarness.run { h in
            let head = try await h.call("GET", "/api/v1/log/head", role: .auditor)
            #expect(head.status == 200)
            let digest = try #require(head.json["digest"] as? String)
            #expect(digest == "\(h.runtime.log.head().position):\(h.runtime.log.head().hash.hex)")
            let verified = try await h.call("GET", "/api/v1/log/verify?digest=\(digest)", role: .auditor)
            #expect(verified.status == 200)
            #expect(verified.json["intact"] as? Bool == true)
            let wrong = digest.dropLast(4) + "0000"
            let refused = try await h.call("GET", "/api/v1/log/verify?digest=\(wrong)", role: .auditor)
            #expect(refused.status == 409, "\(refused.text)")
            let malformed = try await h.call("GET", "/api/v1/log/verify?digest=yesterday", role: .auditor)
            #expect(malformed.status == 400)
        }
    }

    @Test("given events in the log, then /log/events streams them as server-sent events from `from`, and Last-Event-ID resumes")
    func serverSentEvents() async throws {
        try await ServerHarness.run { h in
            let all = try await h.call("GET", "/api/v1/log/events?from=1&limit=2", role: .auditor)
            #expect(all.status == 200)
            #expect(all.header("Content-Type") == "text/event-stream")
            let ids = all.text.split(separator: "\n").filter { $0.hasPrefix("id: ") }
            #expect(ids == ["id: 1", "id: 2"])
            #expect(all.text.contains("event: MemberRegistered"))
            let resumed = try await h.call("GET", "/api/v1/log/events?limit=1", role: .auditor, headers: ["Last-Event-ID": "1"])
            #expect(resumed.text.split(separator: "\n").filter { $0.hasPrefix("id: ") } == ["id: 2"])
            // sealed personal data only
            #expect(!all.text.contains("Sanne Smeets"))
        }
    }

    @Test("given a position, then /reports/programme answers the same bytes as the report builder fabriek-admin uses, in each format")
    func reportIsByteIdentical() async throws {
        try await ServerHarness.run { h in
            let position = h.runtime.log.head().position
            let report = try ProgrammeReportBuilder(log: h.runtime.log, geography: h.runtime.reference.maastricht, vault: h.runtime.vault)
                .report(asOf: position)
            for (format, text) in [("json", ReportJSON.render(report)), ("csv", ReportCSV.render(report)),
                                   ("md", ReportMarkdown.render(report)), ("html", ReportHTML.render(report))] {
                let reply = try await h.call("GET", "/api/v1/reports/programme?position=\(position)&format=\(format)", role: .auditor)
                #expect(reply.status == 200)
                #expect(reply.body == Data(text.utf8), "format \(format) differs")
            }
            let bad = try await h.call("GET", "/api/v1/reports/programme?format=pdf", role: .auditor)
            #expect(bad.status == 400)
            #expect(bad.json["field"] as? String == "format")
        }
    }

    @Test("given a KPI cell, then /reports/programme/trace answers the same trace as fabriek-admin report trace; a suppressed cell lists no events; only an admin may force")
    func traceRoute() async throws {
        try await ServerHarness.run { h in
            let log = h.runtime.log
            let position = log.head().position
            let report = try ProgrammeReportBuilder(log: log, geography: h.runtime.reference.maastricht, vault: h.runtime.vault)
                .report(asOf: position)
            let tracer = KPITracer(log: log, geography: h.runtime.reference.maastricht, vault: h.runtime.vault)
            let shown = try #require(report.cells.first { !$0.suppressed && $0.value > 0 })
            let expected = try tracer.trace(kpi: shown.kpi, period: shown.period, breakdown: shown.breakdown, asOf: position)
            #expect(!expected.lines.isEmpty)
            let query = "kpi=\(shown.kpi)&period=\(shown.period)&breakdown=\(shown.breakdown.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&position=\(position)"
            let reply = try await h.call("GET", "/api/v1/reports/programme/trace?\(query)", role: .auditor)
            #expect(reply.status == 200)
            #expect(reply.body == Data((expected.json.text + "\n").utf8))
            let text = try await h.call("GET", "/api/v1/reports/programme/trace?\(query)&format=text", role: .municipality)
            #expect(text.body == Data(expected.text.utf8))

            if let hidden = report.cells.first(where: \.suppressed) {
                let q = "kpi=\(hidden.kpi)&period=\(hidden.period)&breakdown=\(hidden.breakdown.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                let suppressed = try await h.call("GET", "/api/v1/reports/programme/trace?\(q)", role: .auditor)
                #expect(suppressed.status == 200)
                #expect((suppressed.json["lines"] as? [Any])?.isEmpty == true)
                let forcedByAuditor = try await h.call("GET", "/api/v1/reports/programme/trace?\(q)&force=true", role: .auditor)
                #expect(forcedByAuditor.status == 403)
                let forcedByAdmin = try await h.call("GET", "/api/v1/reports/programme/trace?\(q)&force=true", role: .admin)
                #expect(forcedByAdmin.status == 200)
            }
            let unknown = try await h.call("GET", "/api/v1/reports/programme/trace?kpi=XYZ-9&period=programme", role: .auditor)
            #expect(unknown.status == 400)
            #expect(unknown.json["field"] as? String == "kpi")
            let missing = try await h.call("GET", "/api/v1/reports/programme/trace?kpi=\(shown.kpi)", role: .auditor)
            #expect(missing.status == 400)
            #expect(missing.json["field"] as? String == "period")
        }
    }

    @Test("given requests served, then /metrics holds request, append and projection lag series")
    func metrics() async throws {
        try await ServerHarness.run { h in
            _ = try await h.call("PUT", "/api/v1/members/\(ServerHarness.memberA.uuidString.lowercased())/rate", role: .member,
                                 body: #"{"unit": "hour", "amountCents": 7000}"#)
            let text = try await h.call("GET", "/metrics").text
            for series in ["fabriek_http_requests_total", "fabriek_append_duration_seconds", "fabriek_events_appended_total",
                           "fabriek_commit_batch_commands", "fabriek_projection_lag_events", "fabriek_projection_lag_seconds"] {
                #expect(text.contains(series), "\(series) missing")
            }
        }
    }
}
