import EventLog
import Fabriek
@testable import FabriekServer
import Foundation
import Hummingbird
import Projections
import Testing

/// The read routes' response cache: answers come from memory only while the read model serves
/// the checkpoint they were computed from, never older than the caller asked for, never across
/// visibility classes, and never past an instant at which they change without a commit.
@Suite(.serialized) struct ResponseCacheTests {
    @Test("given a search answered twice from an unchanged read model, when A's headline changes and the caller reads with the command's position, then the new headline is shown; one member's read reflects it even without minPosition")
    func staleNeverServedAfterAWrite() async throws {
        try await ServerHarness.run { h in
            let search = "/api/v1/members?q=Groen"
            let first = try await h.call("GET", search, role: .municipality)
            let hits = h.runtime.responses.hits.load(ordering: .relaxed)
            let second = try await h.call("GET", search, role: .municipality)
            #expect(first.status == 200 && second.body == first.body)
            #expect(h.runtime.responses.hits.load(ordering: .relaxed) == hits + 1, "the second search came from the cache")
            #expect(try await h.call("GET", "/api/v1/members/\(ServerHarness.a)", role: .municipality).json["headline"] == nil)

            let updated = try await h.call("PUT", "/api/v1/members/\(ServerHarness.a)/profile", role: .coordinator,
                                           body: #"{"headline": "Vers fruit uit Wyck"}"#)
            #expect(updated.status == 200, "\(updated.text)")
            let position = try #require(updated.header("Fabriek-Position"))

            let after = try await h.call("GET", "\(search)&minPosition=\(position)", role: .municipality)
            let listings = try #require(after.json["members"] as? [[String: Any]])
            #expect(listings.first { $0["memberId"] as? String == ServerHarness.a }?["headline"] as? String == "Vers fruit uit Wyck",
                    "\(after.text)")
            #expect(UInt64(after.header("Fabriek-Position") ?? "") ?? 0 >= UInt64(position)!)
            let member = try await h.call("GET", "/api/v1/members/\(ServerHarness.a)", role: .municipality)
            #expect(member.json["headline"] as? String == "Vers fruit uit Wyck", "\(member.text)")
            #expect(member.header("ETag") == "\"\(updated.json["streamVersion"] as? Int ?? -1)\"")
        }
    }

    @Test("given member reads by roles in turn, then personal fields go to the member themself, coordinators and admins only, whichever role's answer was cached first")
    func rolesNeverMixed() async throws {
        try await ServerHarness.run { h in
            for (member, order) in [(ServerHarness.a, [Role.coordinator, .municipality, .member, .admin, .municipality]),
                                    (ServerHarness.b, [Role.municipality, .admin, .municipality, .coordinator, .member])] {
                for role in order {
                    let reply = try await h.call("GET", "/api/v1/members/\(member)", role: role)
                    #expect(reply.status == 200, "\(reply.text)")
                    let personal = reply.json["personal"] as? [String: Any]
                    let allowed = role == .coordinator || role == .admin || (role == .member && member == ServerHarness.a)
                    #expect((personal != nil) == allowed, "\(role) reading \(member): \(reply.text)")
                    if allowed { #expect(personal?["legalName"] as? String == "Sanne Smeets") }
                    #expect(!reply.text.contains("sanne@example.nl") || allowed)
                }
            }
            #expect(h.runtime.responses.hits.load(ordering: .relaxed) > 0, "the reads above were answered from the cache too")
        }
    }

    @Test("given a search, when the same parameters come in another order, then the cached answer is given")
    func parametersNormalised() async throws {
        try await ServerHarness.run { h in
            let first = try await h.call("GET", "/api/v1/members?buurt=Wyck&limit=5", role: .municipality)
            let hits = h.runtime.responses.hits.load(ordering: .relaxed)
            let second = try await h.call("GET", "/api/v1/members?limit=5&buurt=Wyck", role: .municipality)
            #expect(first.status == 200 && first.body == second.body)
            #expect(h.runtime.responses.hits.load(ordering: .relaxed) == hits + 1)
        }
    }

    @Test("given the tender board cached with an open tender, when the clock passes its deadline without any commit, then the board no longer lists it")
    func deadlineRetiresTheBoard() async throws {
        try await ServerHarness.run { h in
            let published = try await h.publishTender()
            let before = try await h.call("GET", "/api/v1/tenders?minPosition=\(published)", role: .municipality)
            let listed = try #require(before.json["tenders"] as? [[String: Any]])
            #expect(listed.contains { $0["tenderId"] as? String == ServerHarness.tenderKey }, "\(before.text)")
            #expect(try await h.call("GET", "/api/v1/tenders?minPosition=\(published)", role: .municipality).body == before.body)
            let head = h.runtime.log.head().position

            h.now.advance(days: 30)  // past 2026-04-29T10:00Z
            let after = try await h.call("GET", "/api/v1/tenders", role: .municipality)
            #expect(h.runtime.log.head().position == head)
            #expect((after.json["tenders"] as? [[String: Any]])?.isEmpty == true, "\(after.text)")
        }
    }

    @Test("given a cached answer, when the projection serves another checkpoint or another file (a rebuild swapped in), or its validity passed, then it is not used")
    func entryMatchesOnlyItsRead() {
        let cache = ResponseCache()
        let key = ResponseCache.Key(operation: "op", parameters: .init("q"), visibility: .public)
        let served = ServedCheckpoint(file: 0, position: 10)
        let until = Timestamp(microsecondsSinceEpoch: 2_000)
        cache.store(key, .init(served: served, body: ByteBuffer(string: "a"), headers: [:], validUntil: until))
        let early = Timestamp(microsecondsSinceEpoch: 1_000)
        #expect(cache.lookup(key, served: served, now: early)?.body == ByteBuffer(string: "a"))
        #expect(cache.lookup(key, served: ServedCheckpoint(file: 0, position: 11), now: early) == nil)
        #expect(cache.lookup(key, served: ServedCheckpoint(file: 1, position: 10), now: early) == nil)
        #expect(cache.lookup(key, served: served, now: until) == nil)
        #expect(cache.lookup(ResponseCache.Key(operation: "op", parameters: .init("q"), visibility: .personal), served: served, now: early) == nil)

        // an answer of an earlier checkpoint never replaces a later one of the same file
        cache.store(key, .init(served: ServedCheckpoint(file: 0, position: 12), body: ByteBuffer(string: "b"), headers: [:]))
        cache.store(key, .init(served: ServedCheckpoint(file: 0, position: 11), body: ByteBuffer(string: "c"), headers: [:]))
        #expect(cache.lookup(key, served: ServedCheckpoint(file: 0, position: 12), now: early)?.body == ByteBuffer(string: "b"))
    }
}
