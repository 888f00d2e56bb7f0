import EventLog
import Fabriek
import FabriekServer
import Foundation
import Testing

/// The OCDS export: a job with a solo bid and a consortium bid, awarded to the consortium,
/// comes out as an OCDS 1.1 release package that the official schema and closed codelists
/// accept (checked by Python's jsonschema, a third-party validator), with each consortium
/// member as a supplier, and without personal data.
@Suite(.serialized) struct OCDSExportTests {
    static let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/ocds/validate.py").path

    @Test("given a job awarded to a consortium, then /api/v1/ocds/releases is a valid OCDS package with both members as suppliers and no personal data")
    func awardedToConsortium() async throws {
        try await ServerHarness.run { h in
            let a = ServerHarness.memberA.uuidString.lowercased()
            let b = ServerHarness.memberB.uuidString.lowercased()
            let tender = ServerHarness.tender.uuidString.lowercased()
            func ok(_ reply: Reply, _ what: String) { #expect((200..<300).contains(reply.status), "\(what): \(reply.status) \(reply.text)") }
            let consortium = try await h.call("POST", "/api/v1/consortia", role: .coordinator, body: """
                {"name": "Groen Wyck", "lead": "\(a)", "members": [
                  {"memberId": "\(a)", "acceptedJointLiability": true, "acceptedAt": "2026-03-01T09:00:00Z"},
                  {"memberId": "\(b)", "acceptedJointLiability": true, "acceptedAt": "2026-03-01T09:00:00Z"}]}
                """)
            ok(consortium, "form consortium")
            let consortiumId = try #require(consortium.json["consortiumId"] as? String)
            ok(try await h.call("POST", "/api/v1/tenders", role: .municipality, body: ServerHarness.tenderBody), "publish")
            let bid = try await h.call("POST", "/api/v1/tenders/\(tender)/bids", role: .member, body: """
                {"lots": [1], "bidder": {"kind": "consortium", "id": "\(consortiumId)"}, "priceCents": 1900000}
                """)
            ok(bid, "consortium bid")
            let bidId = try #require(bid.json["bidId"] as? String)
            // after the deadline: close, evaluate, award; after the standstill: finalise
            h.now.advance(days: 30)
            ok(try await h.call("POST", "/api/v1/tenders/\(tender)/close", role: .municipality), "close")
            ok(try await h.call("POST", "/api/v1/tenders/\(tender)/bids/\(bidId)/evaluation", role: .municipality,
                                body: #"{"outcome": "valid", "rank": 1}"#), "evaluate")
            ok(try await h.call("POST", "/api/v1/tenders/\(tender)/awards", role: .municipality,
                                body: #"{"lot": 1, "bidId": "\#(bidId)", "valueCents": 1900000}"#), "intend award")
            h.now.advance(days: 30)
            ok(try await h.call("POST", "/api/v1/tenders/\(tender)/awards/1/final", role: .municipality), "finalise")

            let reply = try await h.call("GET", "/api/v1/ocds/releases")
            #expect(reply.status == 200)
            let releases = try #require(reply.json["releases"] as? [[String: Any]])
            let release = try #require(releases.first)
            let award = try #require((release["awards"] as? [[String: Any]])?.first)
            #expect(award["status"] as? String == "active")
            let suppliers = Set((award["suppliers"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            #expect(suppliers == ["member-\(a)", "member-\(b)"])
            #expect(!reply.text.contains("Sanne Smeets") && !reply.text.contains("sanne@example.nl"))

            let file = h.directory + "/ocds.json"
            try reply.body.write(to: URL(fileURLWithPath: file))
            let (status, output) = try Self.python([Self.validator, file])
            #expect(status == 0, "OCDS validation failed: \(output)")
        }
    }

    static func python(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
