import EventLog
import Fabriek
import FabriekServer
import Foundation
import Testing

/// Commands over HTTP: positions written, ETag and If-Match, Idempotency-Key, and problems
/// that name the field and the rule.
@Suite(.serialized) struct CommandRouteTests {
    @Test("given a coordinator, when registering a member, then 201 with the positions and Fabriek-Position, and the member reads back with ETag 1")
    func registerThenRead() async throws {
        try await ServerHarness.run { h in
            let id = UUID()
            let reply = try await h.call("POST", "/api/v1/members", role: .coordinator,
                                         body: ServerHarness.registration(id, kvk: "55667788", name: "Joep Houben"))
            #expect(reply.status == 201, "\(reply.text)")
            let position = try #require(reply.header("Fabriek-Position").flatMap(UInt64.init))
            #expect(reply.json["positions"] as? [Int] == [Int(position)])
            #expect(reply.header("ETag") == "\"1\"")
            #expect(reply.json["memberId"] as? String == id.uuidString.lowercased())

            // read-your-writes: the read model answers at or after that position
            let read = try await h.call("GET", "/api/v1/members/\(id.uuidString.lowercased())?minPosition=\(position)", role: .coordinator)
            #expect(read.status == 200, "\(read.text)")
            #expect(read.header("ETag") == "\"1\"")
            #expect(read.json["tradeName"] as? String == "Groen aan de Maas")
            #expect((read.json["personal"] as? [String: Any])?["legalName"] as? String == "Joep Houben")
            // the municipality sees the public entry only
            let publicRead = try await h.call("GET", "/api/v1/members/\(id.uuidString.lowercased())", role: .municipality)
            #expect(publicRead.status == 200)
            #expect(publicRead.json["personal"] == nil)
            #expect(!publicRead.text.contains("Joep Houben"))
        }
    }

    @Test("given an Idempotency-Key, when the same command is sent twice, then the second answer repeats the first and nothing is written twice")
    func idempotencyKey() async throws {
        try await ServerHarness.run { h in
            let id = UUID()
            let body = ServerHarness.registration(id, kvk: "11223344")
            let first = try await h.call("POST", "/api/v1/members", role: .coordinator, body: body, headers: ["Idempotency-Key": "k-1"])
            let head = h.runtime.log.head().position
            let again = try await h.call("POST", "/api/v1/members", role: .coordinator, body: body, headers: ["Idempotency-Key": "k-1"])
            #expect(first.status == 201)
            #expect(again.status == 200, "\(again.text)")
            #expect(again.json["positions"] as? [Int] == first.json["positions"] as? [Int])
            #expect(again.json["replayed"] as? Bool == true)
            #expect(h.runtime.log.head().position == head)
        }
    }

    @Test("given a member at version 1, when a command sends If-Match \"5\", then 412 problem+json and nothing written; with If-Match \"1\" it is accepted")
    func ifMatch() async throws {
        try await ServerHarness.run { h in
            let path = "/api/v1/members/\(ServerHarness.memberA.uuidString.lowercased())/rate"
            let refused = try await h.call("PUT", path, role: .member, body: #"{"unit": "hour", "amountCents": 6500}"#,
                                           headers: ["If-Match": "\"5\""])
            #expect(refused.status == 412, "\(refused.text)")
            #expect(refused.header("Content-Type") == "application/problem+json")
            #expect(refused.json["field"] as? String == "If-Match")
            let accepted = try await h.call("PUT", path, role: .member, body: #"{"unit": "hour", "amountCents": 6500}"#,
                                            headers: ["If-Match": "\"1\""])
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(accepted.header("ETag") == "\"2\"")
        }
    }

    @Test("given bad input, then 400/413/422 problems naming the field and the rule, never 500")
    func badInput() async throws {
        try await ServerHarness.run { h in
            let notJSON = try await h.call("POST", "/api/v1/members", role: .coordinator, body: "{not json")
            #expect(notJSON.status == 400)
            #expect(notJSON.json["rule"] as? String == "json")
            let missing = try await h.call("POST", "/api/v1/members", role: .coordinator, body: #"{"residenceCountry": "NL"}"#)
            #expect(missing.status == 400)
            #expect(missing.json["field"] as? String == "$.kind")
            let wrongType = try await h.call("POST", "/api/v1/members", role: .coordinator,
                                             body: ServerHarness.registration(UUID(), kvk: "123").replacingOccurrences(of: "\"soleTrader\"", with: "42"))
            #expect(wrongType.status == 400)
            #expect(wrongType.json["field"] as? String == "$.kind")
            let badKvK = try await h.call("POST", "/api/v1/members", role: .coordinator, body: ServerHarness.registration(UUID(), kvk: "123"))
            #expect(badKvK.status == 422, "\(badKvK.text)")
            #expect(badKvK.json["value"] as? String == "123")
            #expect(badKvK.json["field"] != nil)
            let duplicate = try await h.call("POST", "/api/v1/members", role: .coordinator,
                                             body: ServerHarness.registration(UUID(), kvk: "69599084"))
            #expect(duplicate.status == 409 || duplicate.status == 422, "\(duplicate.text)")
            #expect(duplicate.json["rule"] != nil)
            let huge = try await h.call("POST", "/api/v1/members", role: .coordinator,
                                        body: "{\"tradeName\": \"" + String(repeating: "x", count: 70_000) + "\"}")
            #expect(huge.status == 413, "\(huge.status)")
            let badId = try await h.call("GET", "/api/v1/members/not-a-uuid", role: .coordinator)
            #expect(badId.status == 400)
            #expect(badId.json["field"] as? String == "memberId")
            let unknown = try await h.call("GET", "/api/v1/members/\(UUID().uuidString)", role: .coordinator)
            #expect(unknown.status == 404)
            let badIfMatch = try await h.call("PUT", "/api/v1/members/\(ServerHarness.memberA.uuidString)/rate", role: .coordinator,
                                              body: #"{"unit": "hour", "amountCents": 1}"#, headers: ["If-Match": "yesterday"])
            #expect(badIfMatch.status == 400)
            for reply in [notJSON, missing, wrongType, badKvK, duplicate, huge, badId, unknown, badIfMatch] {
                #expect(reply.header("Content-Type") == "application/problem+json", "\(reply.status) \(reply.text)")
            }
        }
    }

    @Test("given a minPosition beyond the head, when querying, then 503 with Retry-After after the bounded wait")
    func minPositionTimesOut() async throws {
        try await ServerHarness.run { h in
            let beyond = h.runtime.log.head().position + 1_000
            let reply = try await h.call("GET", "/api/v1/members?minPosition=\(beyond)", role: .municipality)
            #expect(reply.status == 503, "\(reply.text)")
            #expect(reply.header("Retry-After") == "1")
            #expect(reply.json["field"] as? String == "minPosition")
        }
    }

    @Test("given a published tender, when member A bids as itself, then 201 and the board counts the bid; bidding as member B is refused")
    func tenderAndBid() async throws {
        try await ServerHarness.run { h in
            let published = try await h.call("POST", "/api/v1/tenders", role: .municipality, body: ServerHarness.tenderBody)
            #expect(published.status == 201, "\(published.text)")
            let tender = ServerHarness.tender.uuidString.lowercased()
            let a = ServerHarness.memberA.uuidString.lowercased()
            let bid = try await h.call("POST", "/api/v1/tenders/\(tender)/bids", role: .member,
                                       body: #"{"lots": [1], "bidder": {"kind": "member", "id": "\#(a)"}, "priceCents": 1800000, "priceBasis": "fixedPrice"}"#)
            #expect(bid.status == 201, "\(bid.text)")
            let position = try #require(bid.header("Fabriek-Position"))
            let board = try await h.call("GET", "/api/v1/tenders/\(tender)", role: .municipality, headers: ["Fabriek-Position": position])
            #expect(board.status == 200, "\(board.text)")
            #expect(board.json["liveBidCount"] as? Int == 1)
            #expect(board.header("ETag") == "\"2\"")
            let b = ServerHarness.memberB.uuidString.lowercased()
            let asOther = try await h.call("POST", "/api/v1/tenders/\(tender)/bids", role: .member,
                                           body: #"{"lots": [2], "bidder": {"kind": "member", "id": "\#(b)"}, "priceCents": 100}"#)
            #expect(asOther.status == 403)
            #expect(asOther.json["rule"] as? String == "owner")
        }
    }
}
