import Fabriek
import FabriekServer
import Foundation
import Testing

/// YouRegion over HTTP: an A1 certificate, the end of the work, and the register's
/// registrations (member ids only for those who may see the member's personal data).
@Suite(.serialized) struct CrossBorderRouteTests {
    @Test("given A's registered work NL→BE, when staff record an issued A1 and end the work, then both are written and the register shows the A1; broken rules are refused")
    func a1AndEnd() async throws {
        try await ServerHarness.run { h in
            let id = UUID()
            let path = "/api/v1/crossborder/\(id.uuidString.lowercased())"
            #expect(try await h.call("POST", "/api/v1/crossborder", role: .coordinator, body: ServerHarness.crossBorderBody(id)).status == 201)

            let badStatus = try await h.call("POST", path + "/a1", role: .coordinator, body: #"{"status": "lost"}"#)
            #expect(badStatus.status == 400)
            #expect(badStatus.json["field"] as? String == "$.status")
            let a1 = try await h.call("POST", path + "/a1", role: .coordinator,
                                      body: #"{"status": "issued", "issuer": "SVB", "validFrom": "2026-05-01", "validUntil": "2026-09-30"}"#)
            #expect(a1.status == 200, "\(a1.text)")
            #expect(a1.json["events"] as? [String] == ["A1CertificateRecorded"])

            let early = try await h.call("POST", path + "/end", role: .coordinator, body: #"{"endedOn": "2026-04-01"}"#)
            #expect(early.status == 422, "\(early.text)")
            #expect(early.json["rule"] as? String == "invariant-9.endBeforeStart")
            let ended = try await h.call("POST", path + "/end", role: .admin, body: #"{"endedOn": "2026-08-31", "reason": "klus klaar"}"#)
            #expect(ended.status == 200, "\(ended.text)")
            #expect(ended.json["events"] as? [String] == ["CrossBorderWorkEnded"])
            let position = try #require(ended.header("Fabriek-Position"))

            let staff = try await h.call("GET", "/api/v1/youregion/registrations?minPosition=\(position)", role: .coordinator)
            #expect(staff.status == 200, "\(staff.text)")
            let rows = try #require(staff.json["registrations"] as? [[String: Any]])
            #expect(rows.count == 1)
            #expect(rows.first?["a1Status"] as? String == "issued")
            #expect(rows.first?["memberId"] as? String == ServerHarness.a)
            let municipality = try await h.call("GET", "/api/v1/youregion/registrations?workCountry=BE&minPosition=\(position)", role: .municipality)
            let shown = try #require(municipality.json["registrations"] as? [[String: Any]])
            #expect(shown.count == 1 && shown.first?["memberId"] == nil, "\(municipality.text)")
            let badLimit = try await h.call("GET", "/api/v1/youregion/registrations?limit=0", role: .auditor)
            #expect(badLimit.status == 400)
            #expect(badLimit.json["field"] as? String == "limit")
        }
    }
}
