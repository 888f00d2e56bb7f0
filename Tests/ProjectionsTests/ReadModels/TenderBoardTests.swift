import EventLog
import Foundation
import GRDB
import Testing
@testable import Projections

@Suite struct TenderBoardTests {
    func board() async throws -> (TestStore, DatabaseQueue) {
        let (store, log) = try await FixedHistory.makeLog()
        return (store, try InMemoryFold.run(TenderBoardProjector(), log: log))
    }

    @Test func listsOpenTendersWithLotsAndBidCounts() async throws {
        let (store, db) = try await board()
        defer { store.remove() }
        try db.now { db throws in
            // Before tender 1's deadline both would be open, but tender 1 is closed by now.
            let open = try TenderBoard.openTenders(db, now: T.at(2026, 6, 1))
            #expect(open.map(\.tenderId) == [String(id: FixedHistory.tender2)])
            #expect(open.first?.buyerKind == "business" && open.first?.liveBidCount == 1)
            // After its deadline nothing is open.
            #expect(try TenderBoard.openTenders(db, now: T.at(2026, 9, 1)).isEmpty)
            let t1 = try #require(try TenderBoard.tender(db, id: String(id: FixedHistory.tender1)))
            #expect(t1.lots.map(\.number) == [1, 2] && t1.lots[0].buurten == ["Wyck"])
            #expect(t1.liveBidCount == 2 && t1.status == "awarded" && t1.procedure == "meervoudigOnderhands")
        }
    }

    @Test func bidDetailsOnlyForBuyerAndBidder() async throws {
        let (store, db) = try await board()
        defer { store.remove() }
        let tender = String(id: FixedHistory.tender1)
        try db.now { db throws in
            #expect(try TenderBoard.bids(db, tenderId: tender, viewer: .buyer).count == 3)
            #expect(try TenderBoard.bids(db, tenderId: tender, viewer: .member(T.member(3))).map(\.bidId) == [String(id: FixedHistory.bid2)])
            #expect(try TenderBoard.bids(db, tenderId: tender, viewer: .member(T.member(2))).first?.bidderKind == "consortium")
            #expect(try TenderBoard.bids(db, tenderId: tender, viewer: .member(T.member(6))).isEmpty)
            #expect(try TenderBoard.bids(db, tenderId: tender, viewer: .anyone).isEmpty)
        }
    }

    @Test func showsAwardsPerLot() async throws {
        let (store, db) = try await board()
        defer { store.remove() }
        let awards = try db.now { try TenderBoard.awards($0, tenderId: String(id: FixedHistory.tender1)) }
        #expect(awards.map(\.lot) == [1, 2])
        #expect(awards[0].finalised && !awards[1].finalised)
        #expect(awards.map(\.valueCents) == [25_000_00, 12_000_00])
    }
}
