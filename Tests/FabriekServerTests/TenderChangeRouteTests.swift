import Fabriek
import FabriekServer
import Foundation
import Testing

/// Changing a published tender over HTTP: amendments and invitations (by the buyer's roles).
@Suite(.serialized) struct TenderChangeRouteTests {
    @Test("given an open tender, when the municipality amends its title and deadline, then TenderAmended and the board shows them; a deadline in the past is refused")
    func amend() async throws {
        try await ServerHarness.run { h in
            try await h.publishTender()
            let path = "/api/v1/tenders/\(ServerHarness.tenderKey)/amendments"
            let amended = try await h.call("POST", path, role: .municipality, body: """
                {"title": "Groenonderhoud Wyck en Malberg", "submissionDeadline": "2026-05-06T10:00:00Z", "reason": "extra week voor vragen"}
                """, headers: ["If-Match": "\"1\""])
            #expect(amended.status == 200, "\(amended.text)")
            #expect(amended.json["events"] as? [String] == ["TenderAmended"])
            let position = try #require(amended.header("Fabriek-Position"))
            let read = try await h.call("GET", "/api/v1/tenders/\(ServerHarness.tenderKey)?minPosition=\(position)", role: .coordinator)
            #expect(read.json["title"] as? String == "Groenonderhoud Wyck en Malberg")
            #expect((read.json["deadline"] as? String)?.hasPrefix("2026-05-06") == true, "\(read.text)")

            let past = try await h.call("POST", path, role: .coordinator,
                                        body: #"{"submissionDeadline": "2026-03-01T10:00:00Z", "reason": "te laat"}"#)
            #expect(past.status == 422, "\(past.text)")
            #expect(past.json["rule"] as? String == "tender.deadlineNotInFuture")
            let noReason = try await h.call("POST", path, role: .coordinator, body: #"{"title": "Anders"}"#)
            #expect(noReason.status == 400)
            #expect(noReason.json["field"] as? String == "$.reason")
        }
    }

    @Test("given an open tender, when the municipality invites member B, then ParticipantInvited; inviting B again is refused")
    func invite() async throws {
        try await ServerHarness.run { h in
            try await h.publishTender()
            let path = "/api/v1/tenders/\(ServerHarness.tenderKey)/invitations"
            let body = #"{"party": {"kind": "member", "id": "\#(ServerHarness.b)"}, "isLocal": true, "reason": "hovenier uit Wyck"}"#
            let invited = try await h.call("POST", path, role: .municipality, body: body)
            #expect(invited.status == 200, "\(invited.text)")
            #expect(invited.json["events"] as? [String] == ["ParticipantInvited"])
            let again = try await h.call("POST", path, role: .municipality, body: body)
            #expect(again.status == 409, "\(again.text)")
            #expect(again.json["rule"] as? String == "tender.alreadyInvited")
            let unknown = try await h.call("POST", path, role: .coordinator,
                                           body: #"{"party": {"kind": "member", "id": "\#(UUID().uuidString.lowercased())"}, "reason": "x"}"#)
            #expect(unknown.status == 422, "\(unknown.text)")
            #expect(unknown.json["rule"] as? String == "member.unknown")
        }
    }
}
