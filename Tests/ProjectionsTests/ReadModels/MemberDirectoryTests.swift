import EventLog
import Events
import Foundation
import GRDB
import PersonalData
import Testing
@testable import Projections

@Suite struct MemberDirectoryTests {
    func directory() async throws -> (TestStore, DatabaseQueue) {
        let (store, log) = try await FixedHistory.makeLog()
        return (store, try InMemoryFold.run(MemberDirectoryProjector(geography: T.geography, vault: nil), log: log))
    }

    @Test func searchesSkillsFullText() async throws {
        // Given the fixed history, when searching for a skill prefix
        let (store, db) = try await directory()
        defer { store.remove() }
        let page = try db.now { try MemberDirectory.search($0, .init(text: "tuin*")) }
        // Then the active members with a matching skill come back; the erased one does not.
        #expect(Set(page.listings.map(\.memberId)) == [String(id: T.member(1)), String(id: T.member(2))])
        #expect(page.total == 2)
    }

    @Test func filtersByBuurtWijkCountryAvailabilityAndRateBand() async throws {
        let (store, db) = try await directory()
        defer { store.remove() }
        try db.now { db throws in
            #expect(try MemberDirectory.search(db, .init(buurt: "Wyck")).total == 2)
            #expect(try MemberDirectory.search(db, .init(wijk: "WK093500")).total == 3)
            #expect(try MemberDirectory.search(db, .init(country: "BE")).listings.map(\.tradeName) == ["Atelier Luik"])
            #expect(try MemberDirectory.search(db, .init(availability: "available")).total == 6)
            // Member 1: €20/h (budget); member 3: €60/h (standard); member 5: €100/h (premium); day rates /8.
            #expect(try MemberDirectory.search(db, .init(rateBand: .premium)).listings.map(\.memberId) == [String(id: T.member(5))])
            #expect(try MemberDirectory.search(db, .init(rateBand: .standard)).listings.map(\.memberId) == [String(id: T.member(3))])
        }
    }

    @Test func pagesThroughResults() async throws {
        let (store, db) = try await directory()
        defer { store.remove() }
        let (first, second) = try db.now { db throws in
            (try MemberDirectory.search(db, .init(limit: 4)), try MemberDirectory.search(db, .init(limit: 4, offset: 4)))
        }
        #expect(first.total == 6 && second.total == 6)
        #expect(first.listings.count == 4 && second.listings.count == 2)
        #expect(Set(first.listings.map(\.memberId)).isDisjoint(with: second.listings.map(\.memberId)))
    }

    @Test func erasedMemberShowsOnlyItsPseudonymousId() async throws {
        // Given member 7 was erased after registering with a trade name that names them
        let (store, db) = try await directory()
        defer { store.remove() }
        let erased = try db.now { try MemberDirectory.member($0, id: T.member(7)) }
        // Then the directory keeps only the id and the status.
        #expect(erased?.status == "erased")
        #expect(erased?.tradeName == nil && erased?.buurt == nil && erased?.skills == "" && erased?.country == "")
        let all = try db.now { try MemberDirectory.search($0, .init(includeInactive: true, limit: 100)) }
        #expect(all.total == 8)
        #expect(try db.now { try Int.fetchOne($0, sql: "SELECT count(*) FROM member_search WHERE member_search MATCH 'klussen'") } == 0)
    }

    @Test func personalDetailsAreOpenedAtQueryTimeOnly() async throws {
        // Given a member registered with sealed personal details
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let vault = try PersonalDataVault.open(directory: store.root + "/vault", environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
        let m = T.member(1)
        let details = PersonalDetails(legalName: "Ayşe Yılmaz", email: "ayse@example.nl")
        var w = HistoryWriter(log: log)
        try await w.append(T.stream("member", m), MemberRegistered(
            memberId: m, kind: .soleTrader, residenceCountry: .nl, personal: try MemberRegistered.seal(details, memberId: m, in: vault),
            tradeName: "Tuinen Wyck", buurt: "Wyck", joinedOn: T.day(2026, 1, 1)).domainEvent, at: T.at(2026, 1, 1))
        let db = try InMemoryFold.run(MemberDirectoryProjector(geography: T.geography, vault: nil), log: log)
        // Then no table holds the plaintext, and a permitted caller opens it via the vault.
        let dump = try db.now { try String.fetchAll($0, sql: "SELECT coalesce(trade_name,'') || coalesce(headline,'') || skills FROM members") }
        #expect(!dump.joined().contains("Ayşe"))
        #expect(try MemberDirectory.personalDetails(of: m, log: log, vault: vault) == details)
        // When the member is erased, then the details are gone.
        try vault.erase(subject: m, at: T.at(2026, 2, 1))
        #expect(try MemberDirectory.personalDetails(of: m, log: log, vault: vault) == nil)
    }

    @Test func aSealedTradeNameIsOpenedWithTheVaultAndGoneOnARebuildAfterErasure() async throws {
        // Given a v2 registration: the trade name sealed in the personal details, not in plaintext
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let vault = try PersonalDataVault.open(directory: store.root + "/vault", environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
        let m = T.member(1)
        let details = PersonalDetails(legalName: "Ayşe Yılmaz", tradeName: "Yılmaz Tuinen",
                                      registryIds: [RegistryId(scheme: .kvk, value: "69599084")])
        var w = HistoryWriter(log: log)
        try await w.append(T.stream("member", m), MemberRegistered(
            memberId: m, kind: .soleTrader, residenceCountry: .nl, personal: try MemberRegistered.seal(details, memberId: m, in: vault),
            buurt: "Wyck", joinedOn: T.day(2026, 1, 1)).domainEvent, at: T.at(2026, 1, 1))
        // When the directory is built with the vault, then the register shows the trade name
        let withVault = try InMemoryFold.run(MemberDirectoryProjector(geography: T.geography, vault: vault), log: log)
        #expect(try withVault.now { try String.fetchOne($0, sql: "SELECT trade_name FROM members") } == "Yılmaz Tuinen")
        // and without one it stays empty (nothing to open it with)
        let withoutVault = try InMemoryFold.run(MemberDirectoryProjector(geography: T.geography, vault: nil), log: log)
        #expect(try withoutVault.now { try String.fetchOne($0, sql: "SELECT trade_name FROM members") } == nil)
        // When the member's key is destroyed and the directory rebuilt from the log
        try vault.erase(subject: m, at: T.at(2026, 2, 1))
        let rebuilt = try InMemoryFold.run(MemberDirectoryProjector(geography: T.geography, vault: vault), log: log)
        // Then no row names them, although the erasure event itself is not in this log
        #expect(try rebuilt.now { try String.fetchOne($0, sql: "SELECT trade_name FROM members") } == nil)
    }
}
