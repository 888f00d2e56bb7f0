import Fabriek
import FabriekServer
import PersonalData
import Foundation
import Testing

/// Erasure through the API (coordinator or admin): afterwards no API answer and no page shows
/// the member's personal data, to any role, and the member accepts no command (invariant 11).
@Suite(.serialized) struct ErasureRouteTests {
    /// Everything personal the member E registers with, and the public profile text they add.
    static let personal = ["Fenna Erasmus-Zandvoort", "fenna.erasmus@example.nl", "+31 6 98765432", "Erasmus Tuinontwerp",
                           "87654321", "Zandweg", "6211 AB"]
    static let profile = ["Hovenier met oog voor stadstuinen"]

    static func registration(_ id: UUID) -> String {
        """
        {"memberId": "\(id.uuidString.lowercased())", "kind": "soleTrader", "residenceCountry": "NL",
         "personal": {"legalName": "Fenna Erasmus-Zandvoort", "email": "fenna.erasmus@example.nl", "phone": "+31 6 98765432",
                      "address": {"street": "Zandweg", "houseNumber": "17", "postcode": "6211 AB", "city": "Maastricht", "country": "NL"}},
         "tradeName": "Erasmus Tuinontwerp", "registryIds": [{"scheme": "kvk", "value": "87654321"}],
         "buurt": "Wyck", "sbiCodes": ["81300"], "joinedOn": "2026-03-01"}
        """
    }

    @Test("given member E with a profile, target groups, a bid, a consortium and cross-border work, when a coordinator erases E through the API, then no answer or page holds E's personal data and E accepts no command")
    func erasureLeavesNoPersonalDataInAnswers() async throws {
        try await ServerHarness.run { h in
            // given
            let e = UUID()
            let key = e.uuidString.lowercased()
            let registered = try await h.call("POST", "/api/v1/members", role: .coordinator, body: Self.registration(e))
            #expect(registered.status == 201, "\(registered.text)")
            for (method, path, body) in [
                ("PUT", "/api/v1/members/\(key)/profile", #"{"headline": "Hovenier met oog voor stadstuinen", "languages": ["nl"]}"#),
                ("PUT", "/api/v1/members/\(key)/skills", #"{"skills": ["snoeien", "tuinontwerp"]}"#),
                ("PUT", "/api/v1/members/\(key)/target-groups", #"{"groups": ["women"], "ageBand": "from35To54"}"#),
                ("POST", "/api/v1/crossborder", ServerHarness.crossBorderBody(UUID(), member: key)),
                ("POST", "/api/v1/consortia", ServerHarness.consortiumBody(UUID(), lead: key, members: [key, ServerHarness.b])),
            ] {
                let reply = try await h.call(method, path, role: .coordinator, body: body)
                #expect(reply.status < 300, "\(path): \(reply.status) \(reply.text)")
            }
            try await h.publishTender()
            let bid = try await h.call("POST", "/api/v1/tenders/\(ServerHarness.tenderKey)/bids", role: .coordinator,
                                       body: #"{"lots": [1], "bidder": {"kind": "member", "id": "\#(key)"}, "priceCents": 1500000}"#)
            #expect(bid.status == 201, "\(bid.text)")
            let before = try await h.call("GET", "/api/v1/members/\(key)?minPosition=\(bid.header("Fabriek-Position") ?? "0")", role: .coordinator)
            #expect((before.json["personal"] as? [String: Any])?["legalName"] as? String == "Fenna Erasmus-Zandvoort")
            #expect(try await h.call("GET", "/register?q=Erasmus").text.contains("Erasmus Tuinontwerp"))

            // when
            let refused = try await h.call("POST", "/api/v1/members/\(key)/erase", role: .coordinator, body: "{}")
            #expect(refused.status == 400)
            #expect(refused.json["field"] as? String == "$.reason")
            let erased = try await h.call("POST", "/api/v1/members/\(key)/erase", role: .coordinator, body: #"{"reason": "dataSubjectRequest"}"#)
            #expect(erased.status == 200, "\(erased.text)")
            #expect(erased.json["events"] as? [String] == ["MemberErased"])
            let at = try #require(erased.header("Fabriek-Position"))
            #expect(h.runtime.vault.isErased(subject: e))

            // then: every answer and page that could show E, to every role
            let head = h.runtime.log.head().position
            var answers: [(String, Reply)] = []
            for role in Role.allCases {
                for path in ["/api/v1/members/\(key)?minPosition=\(at)", "/api/v1/members?q=Erasmus&minPosition=\(at)",
                             "/api/v1/members?includeInactive=true&limit=100&minPosition=\(at)",
                             "/api/v1/members/\(key)/bids?minPosition=\(at)", "/api/v1/members/\(key)/consortia?minPosition=\(at)",
                             "/api/v1/tenders/\(ServerHarness.tenderKey)?minPosition=\(at)", "/api/v1/youregion/registrations?minPosition=\(at)",
                             "/api/v1/programme/kpis?minPosition=\(at)", "/api/v1/reports/programme?format=json",
                             "/api/v1/reports/programme?format=html", "/api/v1/reports/programme?format=csv",
                             "/api/v1/reports/youregion?format=md", "/api/v1/log/events?from=1&limit=\(head)", "/api/v1/ocds/releases"] {
                    answers.append(("\(role) \(path)", try await h.call("GET", path, role: role)))
                }
            }
            for page in ["/", "/register", "/register?q=Erasmus", "/register?q=stadstuinen", "/leden/\(key)",
                         "/klussen", "/klussen/\(ServerHarness.tenderKey)", "/youregion", "/rapport?format=html"] {
                answers.append((page, try await h.call("GET", page)))
            }
            for (what, reply) in answers {
                #expect(reply.status < 500, "\(what): \(reply.status) \(reply.text.prefix(300))")
                for text in Self.personal {
                    #expect(!reply.text.contains(text), "\(what) still shows '\(text)'")
                }
                // the profile text is not sealed (it stays in the log's MemberProfileUpdated), but no read model shows it
                if !what.contains("/log/events") {
                    for text in Self.profile { #expect(!reply.text.contains(text), "\(what) still shows '\(text)'") }
                }
            }
            let own = try await h.call("GET", "/api/v1/members/\(key)", role: .admin)
            #expect(own.json["status"] as? String == "erased")
            #expect(own.json["personal"] == nil)
            #expect(try await h.call("GET", "/leden/\(key)").status == 404)

            // and E accepts no command
            let afterwards = try await h.call("PUT", "/api/v1/members/\(key)/rate", role: .coordinator, body: #"{"unit": "hour", "amountCents": 5000}"#)
            #expect(afterwards.status == 410, "\(afterwards.text)")
            #expect(afterwards.json["rule"] as? String == "invariant-11.memberErased")
            let twice = try await h.call("POST", "/api/v1/members/\(key)/erase", role: .admin, body: #"{"reason": "other"}"#)
            #expect(twice.status == 410)
        }
    }
}
