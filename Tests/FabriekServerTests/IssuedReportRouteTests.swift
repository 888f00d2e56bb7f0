import EventLog
import Fabriek
import FabriekReference
import FabriekServer
import Foundation
import Projections
import Testing

/// Issuing programme reports through the API (a command: `ReportDecider` through the
/// application service) and reproducing them: the list, and each issued report in every
/// format byte for byte as `fabriek-admin report issued ID` prints it, also after an erasure.
@Suite(.serialized) struct IssuedReportRouteTests {
    /// The `fabriek-admin` executable built next to the tests.
    static var admin: String? {
        let candidates = [Bundle.main.bundleURL, Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("fabriek-admin").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    final class Marker {}

    /// Runs `fabriek-admin ARGS` and returns its standard output (exit status 0 required).
    static func runAdmin(_ arguments: [String]) throws -> Data {
        guard let admin else { throw TestFailure("fabriek-admin is not next to the tests; build with `swift build --build-tests`") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: admin)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("fabriek-admin \(arguments) exited \(process.terminationStatus)") }
        return data
    }

    @Test("given the register, when a coordinator issues the programme report, then 201 with its id and ProgrammeReportIssued, it is listed, and every format is byte-identical to fabriek-admin report issued ID, also after an erasure")
    func issueListAndReproduce() async throws {
        try await ServerHarness.run { h in
            // given a target group declared by A (a cell an erasure changes on recomputation)
            #expect(try await h.call("PUT", "/api/v1/members/\(ServerHarness.a)/target-groups", role: .member,
                                     body: #"{"groups": ["women"]}"#).status == 200)
            let asOf = h.runtime.log.head().position

            // when
            let issued = try await h.call("POST", "/api/v1/reports/programme/issued", role: .coordinator, body: #"{"position": \#(asOf)}"#,
                                          headers: ["Idempotency-Key": "rapport-2026-q1"])
            #expect(issued.status == 201, "\(issued.text)")
            #expect(issued.json["events"] as? [String] == ["ProgrammeReportIssued"])
            let id = try #require(issued.json["reportId"] as? String)
            #expect(issued.json["asOfPosition"] as? Int == Int(asOf))
            let expected = try ProgrammeReportBuilder(log: h.runtime.log, geography: h.runtime.reference.maastricht, vault: h.runtime.vault)
                .report(asOf: asOf)
            #expect(issued.json["contentHash"] as? String == expected.contentHash)
            // a retry with the same key answers the same report, writing nothing
            let retried = try await h.call("POST", "/api/v1/reports/programme/issued", role: .coordinator, body: #"{"position": \#(asOf)}"#,
                                           headers: ["Idempotency-Key": "rapport-2026-q1"])
            #expect(retried.status == 200 && retried.json["replayed"] as? Bool == true, "\(retried.text)")
            #expect(retried.json["reportId"] as? String == id)

            // then it is listed
            let list = try await h.call("GET", "/api/v1/reports/programme/issued", role: .auditor)
            #expect(list.status == 200)
            let reports = try #require(list.json["reports"] as? [[String: Any]])
            #expect(reports.map { $0["reportId"] as? String } == [id])
            #expect(reports.first?["reproducible"] as? Bool == true)
            #expect(reports.first?["contentHash"] as? String == expected.contentHash)

            // and reproduced byte for byte, before and after A's erasure
            let erased = try await h.call("POST", "/api/v1/members/\(ServerHarness.a)/erase", role: .admin, body: #"{"reason": "dataSubjectRequest"}"#)
            #expect(erased.status == 200, "\(erased.text)")
            let library = try IssuedReports.report(try #require(UUID(uuidString: id)), in: h.runtime.log)
            #expect(ReportJSON.render(library) == ReportJSON.render(expected))
            for (format, text) in [("json", ReportJSON.render(library)), ("csv", ReportCSV.render(library)),
                                   ("md", ReportMarkdown.render(library)), ("html", ReportHTML.render(library))] {
                let reply = try await h.call("GET", "/api/v1/reports/programme/issued/\(id)?format=\(format)", role: .municipality)
                #expect(reply.status == 200, "\(format): \(reply.text.prefix(200))")
                #expect(reply.body == Data(text.utf8), "format \(format) differs from the issued report")
                let cli = try Self.runAdmin(["report", "issued", id, "--format", format, "--data", h.directory])
                #expect(reply.body == cli, "format \(format) differs from fabriek-admin report issued")
            }
        }
    }

    @Test("given no such report or bad parameters, then 404 and 400 problems naming the field")
    func refusals() async throws {
        try await ServerHarness.run { h in
            let unknown = try await h.call("GET", "/api/v1/reports/programme/issued/\(UUID().uuidString.lowercased())", role: .auditor)
            #expect(unknown.status == 404)
            #expect(unknown.header("Content-Type") == "application/problem+json")
            let past = try await h.call("POST", "/api/v1/reports/programme/issued", role: .coordinator,
                                        body: #"{"position": \#(h.runtime.log.head().position + 10)}"#)
            #expect(past.status == 400)
            #expect(past.json["field"] as? String == "position")
            let both = try await h.call("POST", "/api/v1/reports/programme/issued", role: .admin, body: #"{"position": 1, "asOf": "2026-03-31"}"#)
            #expect(both.status == 400)
            #expect(both.json["field"] as? String == "asOf")
            let issued = try await h.call("POST", "/api/v1/reports/programme/issued", role: .admin, body: "{}")
            #expect(issued.status == 201, "\(issued.text)")
            let id = try #require(issued.json["reportId"] as? String)
            let badFormat = try await h.call("GET", "/api/v1/reports/programme/issued/\(id)?format=pdf", role: .auditor)
            #expect(badFormat.status == 400)
            #expect(badFormat.json["field"] as? String == "format")
            let sameId = try await h.call("POST", "/api/v1/reports/programme/issued", role: .admin,
                                          body: #"{"reportId": "\#(id)", "position": 1}"#)
            #expect(sameId.status == 409, "\(sameId.text)")
            #expect(sameId.json["rule"] as? String == "aggregate.alreadyExists")
        }
    }

    @Test("given cross-border work, then /reports/youregion answers the same bytes as the builder fabriek-admin report youregion uses")
    func youRegionReport() async throws {
        try await ServerHarness.run { h in
            #expect(try await h.call("POST", "/api/v1/crossborder", role: .coordinator, body: ServerHarness.crossBorderBody(UUID())).status == 201)
            let position = h.runtime.log.head().position
            let report = try YouRegionReportBuilder(log: h.runtime.log).report(asOf: position)
            for (format, text) in [("json", ReportJSON.render(report)), ("md", ReportMarkdown.render(report))] {
                let reply = try await h.call("GET", "/api/v1/reports/youregion?position=\(position)&format=\(format)", role: .municipality)
                #expect(reply.status == 200)
                #expect(reply.body == Data(text.utf8), "format \(format) differs")
                let cli = try Self.runAdmin(["report", "youregion", "--position", "\(position)", "--format", format, "--data", h.directory])
                #expect(reply.body == cli, "format \(format) differs from fabriek-admin report youregion")
            }
            let bad = try await h.call("GET", "/api/v1/reports/youregion?format=pdf", role: .auditor)
            #expect(bad.status == 400)
            #expect(bad.json["field"] as? String == "format")
        }
    }
}
