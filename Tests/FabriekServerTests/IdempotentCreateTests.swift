import FabriekServer
import Foundation
import Testing

/// `Idempotency-Key` on every route that creates an entity whose id the client may leave out:
/// the id is derived from the key, so a retry names the same entity and gets the first answer
/// (same id, stream, versions and positions), also after a restart.
@Suite(.serialized) struct IdempotentCreateTests {
    /// A create route, its body without the id, and the answer field that names the id.
    struct Create {
        var method = "POST"
        var path: String
        var role: Role
        var body: String
        var idField: String
    }

    static let creates: [Create] = [
        Create(path: "/api/v1/members", role: .coordinator,
               body: without("memberId", ServerHarness.registration(UUID(), kvk: "44556677", name: "Mieke Ramakers")), idField: "memberId"),
        Create(method: "PUT", path: "/api/v1/members/\(ServerHarness.a)/target-groups", role: .member,
               body: #"{"groups": ["women"]}"#, idField: "consentId"),
        Create(path: "/api/v1/consortia", role: .coordinator, body: without("consortiumId", ServerHarness.consortiumBody(UUID())),
               idField: "consortiumId"),
        Create(path: "/api/v1/tenders", role: .municipality, body: without("tenderId", ServerHarness.tenderBody), idField: "tenderId"),
        Create(path: "/api/v1/tenders/\(ServerHarness.tenderKey)/bids", role: .member,
               body: #"{"lots": [1], "bidder": {"kind": "member", "id": "\#(ServerHarness.a)"}, "priceCents": 1700000}"#, idField: "bidId"),
        Create(path: "/api/v1/crossborder", role: .coordinator, body: without("assignmentId", ServerHarness.crossBorderBody(UUID())),
               idField: "assignmentId"),
        Create(path: "/api/v1/activities", role: .coordinator, body: without("activityId", ServerHarness.trainingBody(UUID())),
               idField: "activityId"),
        Create(path: "/api/v1/reports/programme/issued", role: .coordinator, body: "{}", idField: "reportId"),
    ]

    @Test("""
        given every create route called without an id and with an Idempotency-Key, when each is retried with the same key, \
        and again after a restart, then every retry answers the first id, stream, version and positions, marked replayed, \
        and the log's head does not move
        """)
    func retriesAnswerTheFirstCreation() async throws {
        try await ServerHarness.run(durability: .fsync) { h in
            try await h.publishTender()  // the bids' tender (with its id given)
            // given
            var firsts: [[String: Any]] = []
            for (i, c) in Self.creates.enumerated() {
                let first = try await h.call(c.method, c.path, role: c.role, body: c.body, headers: ["Idempotency-Key": "poging-\(i)"])
                #expect(first.status == (c.method == "POST" ? 201 : 200), "\(c.path): \(first.text)")
                #expect(first.json[c.idField] is String, "\(c.path) names no \(c.idField): \(first.text)")
                firsts.append(first.json)
            }
            let head = h.runtime.log.head()

            // when / then: retried in the same process, then after a restart
            for round in ["retry", "retry after a restart"] {
                if round != "retry" { try await h.restart() }
                for (i, c) in Self.creates.enumerated() {
                    let again = try await h.call(c.method, c.path, role: c.role, body: c.body, headers: ["Idempotency-Key": "poging-\(i)"])
                    #expect(again.status == 200, "\(round) of \(c.path): \(again.text)")
                    #expect(again.json["replayed"] as? Bool == true, "\(round) of \(c.path)")
                    for field in [c.idField, "stream"] {
                        #expect(again.json[field] as? String == firsts[i][field] as? String, "\(round) of \(c.path): \(field)")
                    }
                    #expect(again.json["streamVersion"] as? Int == firsts[i]["streamVersion"] as? Int, "\(round) of \(c.path)")
                    #expect(again.json["positions"] as? [Int] == firsts[i]["positions"] as? [Int], "\(round) of \(c.path)")
                    #expect(again.json["events"] as? [String] == firsts[i]["events"] as? [String], "\(round) of \(c.path)")
                }
                #expect(h.runtime.log.head() == head, "\(round): nothing written")
            }

            // and another key creates another entity
            let other = try await h.call("POST", "/api/v1/activities", role: .coordinator, body: Self.creates[6].body,
                                         headers: ["Idempotency-Key": "poging-nieuw"])
            #expect(other.status == 201, "\(other.text)")
            #expect(other.json["activityId"] as? String != firsts[6]["activityId"] as? String)
        }
    }

    /// `body` without its top-level `field`.
    static func without(_ field: String, _ body: String) -> String {
        var object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        object[field] = nil
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
