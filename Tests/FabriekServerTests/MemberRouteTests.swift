import Events
import Fabriek
import FabriekServer
import Foundation
import Testing

/// The member routes beyond the profile: registry verification (staff), target groups with
/// consent (the member themself or staff), and a member's own bids and consortia.
@Suite(.serialized) struct MemberRouteTests {
    @Test("given member A with KvK 69599084, when a coordinator verifies that number, then MemberRegistryVerified and the directory shows A verified; a number A does not hold is refused")
    func verifyRegistry() async throws {
        try await ServerHarness.run { h in
            let path = "/api/v1/members/\(ServerHarness.a)/registry-verifications"
            let verified = try await h.call("POST", path, role: .coordinator,
                                            body: #"{"registryId": {"scheme": "kvk", "value": "69599084"}, "source": "KvK Handelsregister"}"#)
            #expect(verified.status == 200, "\(verified.text)")
            #expect(verified.json["events"] as? [String] == ["MemberRegistryVerified"])
            let position = try #require(verified.header("Fabriek-Position"))
            let read = try await h.call("GET", "/api/v1/members/\(ServerHarness.a)?minPosition=\(position)", role: .municipality)
            #expect(read.json["verified"] as? Bool == true, "\(read.text)")

            let notHeld = try await h.call("POST", path, role: .coordinator, body: #"{"registryId": {"scheme": "kvk", "value": "12345678"}}"#)
            #expect(notHeld.status == 422, "\(notHeld.text)")
            #expect(notHeld.json["rule"] as? String == "member.registryIdNotHeld")
            let missing = try await h.call("POST", path, role: .coordinator, body: #"{"source": "KvK"}"#)
            #expect(missing.status == 400)
            #expect(missing.json["field"] as? String == "$.registryId")
        }
    }

    @Test("given member A's token, when A declares target groups, then they are sealed and the answer names the consent; declaring for B is refused, and withdrawing works once")
    func targetGroups() async throws {
        try await ServerHarness.run { h in
            let declared = try await h.call("PUT", "/api/v1/members/\(ServerHarness.a)/target-groups", role: .member,
                                            body: #"{"groups": ["age55Plus", "women"], "ageBand": "from55"}"#)
            #expect(declared.status == 200, "\(declared.text)")
            #expect(declared.json["events"] as? [String] == ["MemberTargetGroupsDeclared"])
            let consent = try #require(declared.json["consentId"] as? String)
            // sealed in the log: the plaintext groups are not in the stored event
            let stored = try #require(try h.runtime.log.readStream("member-\(ServerHarness.a)").last)
            #expect(stored.type == "MemberTargetGroupsDeclared")
            let sealedJSON = String(decoding: try EventCatalogue.decode(stored).canonicalJSON(context: .sealed), as: UTF8.self)
            #expect(!sealedJSON.contains("age55Plus") && !sealedJSON.contains("from55"), "\(sealedJSON)")

            let forB = try await h.call("PUT", "/api/v1/members/\(ServerHarness.b)/target-groups", role: .member,
                                        body: #"{"groups": ["men"]}"#)
            #expect(forB.status == 403)
            #expect(forB.json["rule"] as? String == "owner")
            let unknownGroup = try await h.call("PUT", "/api/v1/members/\(ServerHarness.a)/target-groups", role: .coordinator,
                                                body: #"{"groups": ["astronauts"]}"#)
            #expect(unknownGroup.status == 400)
            #expect(unknownGroup.json["field"] as? String == "$.groups[0]")

            let withdrawn = try await h.call("DELETE", "/api/v1/members/\(ServerHarness.a)/target-groups/\(consent)", role: .member)
            #expect(withdrawn.status == 200, "\(withdrawn.text)")
            #expect(withdrawn.json["events"] as? [String] == ["MemberTargetGroupsWithdrawn"])
            let again = try await h.call("DELETE", "/api/v1/members/\(ServerHarness.a)/target-groups/\(consent)", role: .member)
            #expect(again.status == 422, "\(again.text)")
            #expect(again.json["rule"] as? String == "member.consentNotFound")
        }
    }

    @Test("given A's bid and a consortium {A, B}, then A reads their own bids and consortia; A may not read B's bids")
    func bidsAndConsortia() async throws {
        try await ServerHarness.run { h in
            try await h.publishTender()
            let bid = try await h.call("POST", "/api/v1/tenders/\(ServerHarness.tenderKey)/bids", role: .member,
                                       body: #"{"lots": [1], "bidder": {"kind": "member", "id": "\#(ServerHarness.a)"}, "priceCents": 1800000}"#)
            #expect(bid.status == 201, "\(bid.text)")
            let consortium = UUID()
            let formed = try await h.call("POST", "/api/v1/consortia", role: .coordinator, body: ServerHarness.consortiumBody(consortium))
            #expect(formed.status == 201, "\(formed.text)")
            let position = try #require(formed.header("Fabriek-Position"))

            let bids = try await h.call("GET", "/api/v1/members/\(ServerHarness.a)/bids?minPosition=\(position)", role: .member)
            #expect(bids.status == 200, "\(bids.text)")
            let list = try #require(bids.json["bids"] as? [[String: Any]])
            #expect(list.map { $0["bidId"] as? String } == [bid.json["bidId"] as? String])
            #expect(list.first?["priceCents"] as? Int == 1_800_000)

            let consortia = try await h.call("GET", "/api/v1/members/\(ServerHarness.a)/consortia?minPosition=\(position)", role: .municipality)
            #expect(consortia.status == 200)
            #expect((consortia.json["consortia"] as? [[String: Any]])?.map { $0["consortiumId"] as? String } == [consortium.uuidString.lowercased()])

            let othersBids = try await h.call("GET", "/api/v1/members/\(ServerHarness.b)/bids", role: .member)
            #expect(othersBids.status == 403)
            #expect(othersBids.json["rule"] as? String == "owner")
            let badId = try await h.call("GET", "/api/v1/members/not-a-member/consortia", role: .coordinator)
            #expect(badId.status == 400)
            #expect(badId.json["field"] as? String == "memberId")
        }
    }

    @Test("given the register, when searching with rateBand and includeInactive, then they filter; an unknown rate band is refused naming it")
    func searchFilters() async throws {
        try await ServerHarness.run { h in
            let rate = try await h.call("PUT", "/api/v1/members/\(ServerHarness.a)/rate", role: .member, body: #"{"unit": "hour", "amountCents": 9000}"#)
            let ended = try await h.call("POST", "/api/v1/members/\(ServerHarness.b)/end", role: .coordinator, body: #"{"reason": "resigned"}"#)
            #expect(rate.status == 200 && ended.status == 200, "\(rate.text) \(ended.text)")
            let position = try #require(ended.header("Fabriek-Position"))
            let premium = try await h.call("GET", "/api/v1/members?rateBand=premium&minPosition=\(position)", role: .municipality)
            #expect((premium.json["members"] as? [[String: Any]])?.map { $0["memberId"] as? String } == [ServerHarness.a])
            let active = try await h.call("GET", "/api/v1/members?minPosition=\(position)", role: .municipality)
            #expect(active.json["total"] as? Int == 1)
            let all = try await h.call("GET", "/api/v1/members?includeInactive=true&minPosition=\(position)", role: .municipality)
            #expect(all.json["total"] as? Int == 2)
            let bad = try await h.call("GET", "/api/v1/members?rateBand=cheap", role: .municipality)
            #expect(bad.status == 400)
            #expect(bad.json["field"] as? String == "rateBand")
        }
    }
}
