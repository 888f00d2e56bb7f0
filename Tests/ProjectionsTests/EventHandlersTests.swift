import EventLog
import Events
import Foundation
import GRDB
import Testing
@testable import Projections

/// Records, per handled event, its position, type and the id its handler read from the decoded
/// event: a projector whose only declaration of what it reads is its handler table.
struct TwoTypeProjector: HandlerTableProjector {
    let name = "two-types"
    let version = 1

    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE seen (position INTEGER PRIMARY KEY, type TEXT NOT NULL, subject TEXT NOT NULL, cents INTEGER)")
        }
    }

    static let handlers = EventHandlers<TwoTypeProjector>(
        .on(MemberRegistered.self) { _, e, event, db in
            try db.execute(sql: "INSERT INTO seen VALUES (?, ?, ?, NULL)",
                           arguments: [Int64(event.position), MemberRegistered.typeName, String(id: e.memberId)])
        },
        .on(MemberRateSet.self) { _, e, event, db in
            try db.execute(sql: "INSERT INTO seen VALUES (?, ?, ?, ?)",
                           arguments: [Int64(event.position), MemberRateSet.typeName, String(id: e.memberId), e.amountCents])
        }
    )
}

@Suite struct EventHandlersTests {
    @Test func givenAHandlerTable_whenFoldedOverTheFixedHistory_thenExactlyItsTypesAreAdmittedAndDecodedForTheirHandlers() async throws {
        // Given the fixed history and a projector whose table handles two types
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let projector = TwoTypeProjector()

        // When it is folded over the log
        let db = try InMemoryFold.run(projector, log: log)

        // Then its filter is its table, and each event of those types reached its handler once,
        // decoded (the subject is the event's own member id)
        #expect(projector.handledTypes == [MemberRegistered.typeName, MemberRateSet.typeName])
        var expected: [String] = []
        try log.forEachEvent(from: 1) { view in
            let event = try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion, payload: view.payload)
            switch event {
            case .member(.registered(let e)): expected.append("\(view.position) MemberRegistered \(String(id: e.memberId))")
            case .member(.rateSet(let e)): expected.append("\(view.position) MemberRateSet \(String(id: e.memberId))")
            case .member, .consortium, .tender, .crossBorder, .programme, .historyImport: break
            }
        }
        let seen = try db.now { db in
            try Row.fetchAll(db, sql: "SELECT position, type, subject FROM seen ORDER BY position").map {
                "\($0["position"] as Int64) \($0["type"] as String) \($0["subject"] as String)"
            }
        }
        #expect(!expected.isEmpty)
        #expect(seen == expected)
    }

    @Test func givenAnEventOfAnOlderSchemaVersion_whenItsHandlerRuns_thenItGetsTheEventUpcastToTodaysVersion() async throws {
        // Given a MemberRateSet written with schema version 1 (whole euros)
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let member = T.member(1)
        let v1 = MemberRateSetV1(memberId: member, unit: .hour, amountEuros: 65)
        _ = try await log.append(stream: T.stream("member", member), expectedVersion: .any,
                                 events: [ProposedEvent(type: MemberRateSet.typeName, schemaVersion: 1, payload: v1.encodePayload())])

        // When the table projector folds it
        let db = try InMemoryFold.run(TwoTypeProjector(), log: log)

        // Then its handler saw today's event: the amount in cents
        #expect(try db.now { try Int64.fetchOne($0, sql: "SELECT cents FROM seen") } == 6_500)
    }

    @Test func givenTheReadModels_thenEachOneFiltersOnExactlyTheCatalogueTypesOfItsHandlerTable() throws {
        let catalogue = Set(EventCatalogue.entries.map(\.typeName))
        let tables: [(any Projector, Set<String>)] = [
            (MemberDirectoryProjector(geography: T.geography, vault: nil), MemberDirectoryProjector.handlers.typeNames),
            (TenderBoardProjector(), TenderBoardProjector.handlers.typeNames),
            (ConsortiaProjector(), ConsortiaProjector.handlers.typeNames),
            (YouRegionProjector(), YouRegionProjector.handlers.typeNames),
            (ProgrammeKPIProjector(geography: T.geography, vault: nil), ProgrammeKPIProjector.handlers.typeNames),
        ]
        for (projector, types) in tables {
            #expect(projector.handledTypes == types, "\(projector.name)")
            #expect(!types.isEmpty && types.isSubset(of: catalogue), "\(projector.name)")
        }
    }
}
