import Foundation
import GRDB
import Testing
@testable import Projections

@Suite struct ConsortiaTests {
    @Test func consortiumAndMembersOwnBids() async throws {
        // Given the fixed history
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let db = try InMemoryFold.run(ConsortiaProjector(), log: log)
        try db.now { db throws in
            // Then the consortium shows its lead and members
            let c = try #require(try Consortia.consortium(db, id: String(id: FixedHistory.consortium)))
            #expect(c.leadMemberId == String(id: T.member(1)))
            #expect(c.memberIds == [String(id: T.member(1)), String(id: T.member(2))])
            #expect(try Consortia.consortia(db, ofMember: T.member(2)).map(\.name) == ["Groen Wyck"])
            // And each member sees their own bids, through the consortium or alone, with outcome
            let viaConsortium = try Consortia.bids(db, ofMember: T.member(1))
            #expect(viaConsortium.map(\.consortiumId) == [String(id: FixedHistory.consortium)])
            #expect(viaConsortium.first?.status == "awarded" && viaConsortium.first?.awardedLots == "1")
            #expect(try Consortia.bids(db, ofMember: T.member(5)).map(\.status) == ["withdrawn"])
            #expect(try Consortia.bids(db, ofMember: T.member(6)).isEmpty)
        }
    }
}
