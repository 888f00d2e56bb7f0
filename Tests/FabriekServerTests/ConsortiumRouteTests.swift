import Fabriek
import FabriekServer
import Foundation
import Testing

/// A consortium's composition over HTTP: add a member, change the lead, remove a member,
/// dissolve; each refusal names the rule (invariant 6 and the consortium's own rules).
@Suite(.serialized) struct ConsortiumRouteTests {
    @Test("given {A, B} led by A and a third member C, when staff add C, make B the lead, remove C and dissolve, then each is written and the read model follows; broken rules are refused")
    func composition() async throws {
        try await ServerHarness.run { h in
            let c = UUID()
            let cKey = c.uuidString.lowercased()
            #expect(try await h.call("POST", "/api/v1/members", role: .coordinator, body: ServerHarness.registration(c, kvk: "33445566")).status == 201)
            let id = UUID()
            let path = "/api/v1/consortia/\(id.uuidString.lowercased())"
            #expect(try await h.call("POST", "/api/v1/consortia", role: .coordinator, body: ServerHarness.consortiumBody(id)).status == 201)

            // add: refused without liability, accepted with it
            let noLiability = try await h.call("POST", path + "/members", role: .coordinator,
                                               body: #"{"memberId": "\#(cKey)", "acceptedJointLiability": false}"#)
            #expect(noLiability.status == 422, "\(noLiability.text)")
            #expect(noLiability.json["rule"] as? String == "invariant-6.jointLiabilityNotAccepted")
            let added = try await h.call("POST", path + "/members", role: .coordinator,
                                         body: #"{"memberId": "\#(cKey)", "acceptedJointLiability": true}"#, headers: ["If-Match": "\"1\""])
            #expect(added.status == 200, "\(added.text)")
            #expect(added.json["events"] as? [String] == ["ConsortiumMemberAdded"])
            #expect(added.header("ETag") == "\"2\"")

            // lead: refused for a non-member, accepted for B
            let stranger = try await h.call("PUT", path + "/lead", role: .admin, body: #"{"memberId": "\#(UUID().uuidString.lowercased())"}"#)
            #expect(stranger.status == 422, "\(stranger.text)")
            #expect(stranger.json["rule"] as? String == "invariant-6.leadNotAMember")
            let lead = try await h.call("PUT", path + "/lead", role: .coordinator, body: #"{"memberId": "\#(ServerHarness.b)"}"#)
            #expect(lead.status == 200, "\(lead.text)")
            #expect(lead.json["events"] as? [String] == ["ConsortiumLeadChanged"])

            // remove: the lead is refused, C is removed
            let removeLead = try await h.call("DELETE", path + "/members/\(ServerHarness.b)", role: .coordinator)
            #expect(removeLead.status == 422, "\(removeLead.text)")
            #expect(removeLead.json["rule"] as? String == "consortium.cannotRemoveLead")
            let removed = try await h.call("DELETE", path + "/members/\(cKey)?reason=verhuisd", role: .coordinator)
            #expect(removed.status == 200, "\(removed.text)")
            let position = try #require(removed.header("Fabriek-Position"))
            let read = try await h.call("GET", path + "?minPosition=\(position)", role: .member)
            #expect(read.json["leadMemberId"] as? String == ServerHarness.b)
            #expect(read.json["memberIds"] as? [String] == [ServerHarness.a, ServerHarness.b])

            // dissolve: once
            let dissolved = try await h.call("POST", path + "/dissolve", role: .coordinator, body: #"{"reason": "klus afgerond"}"#)
            #expect(dissolved.status == 200, "\(dissolved.text)")
            #expect(dissolved.json["events"] as? [String] == ["ConsortiumDissolved"])
            let again = try await h.call("POST", path + "/dissolve", role: .coordinator, body: "{}")
            #expect(again.status == 409)
            #expect(again.json["rule"] as? String == "consortium.dissolved")
            let unknown = try await h.call("POST", "/api/v1/consortia/\(UUID().uuidString.lowercased())/dissolve", role: .coordinator, body: "{}")
            #expect(unknown.status == 404)
            #expect(unknown.json["rule"] as? String == "aggregate.notFound")
        }
    }

    @Test("given a consortium with a live bid, when staff change its composition, then it is refused as locked (invariant 6)")
    func lockedWhileBidding() async throws {
        try await ServerHarness.run { h in
            try await h.publishTender()
            let id = UUID()
            let key = id.uuidString.lowercased()
            #expect(try await h.call("POST", "/api/v1/consortia", role: .coordinator, body: ServerHarness.consortiumBody(id)).status == 201)
            let bid = try await h.call("POST", "/api/v1/tenders/\(ServerHarness.tenderKey)/bids", role: .member,
                                       body: #"{"lots": [2], "bidder": {"kind": "consortium", "id": "\#(key)"}, "priceCents": 2500000}"#)
            #expect(bid.status == 201, "\(bid.text)")
            let lead = try await h.call("PUT", "/api/v1/consortia/\(key)/lead", role: .coordinator, body: #"{"memberId": "\#(ServerHarness.b)"}"#)
            #expect(lead.status == 409, "\(lead.text)")
            #expect(lead.json["rule"] as? String == "invariant-6.compositionLocked")
        }
    }
}
