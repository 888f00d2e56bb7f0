import EventLog
import Events
import Foundation
import GRDB
import Testing
@testable import Projections

/// Inserts each event's payload into a table whose key is the payload: two events with the same
/// payload break its constraint, as a tender with two lots of the same number breaks the
/// tender board's.
struct UniquePayloadProjector: Projector {
    var name: String { "unique-payloads" }
    var version: Int { 1 }
    var handledTypes: Set<String>? { nil }
    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE payloads (payload BLOB PRIMARY KEY) WITHOUT ROWID")
        }
    }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO payloads (payload) VALUES (?)", arguments: [Data(event.payload)])
    }
}

/// A projector never dies on one event: the event is recorded, skipped, and shown.
@Suite struct SkippedEventTests {
    @Test("given an event whose rows break the read model's constraint, when projected, then it is recorded and skipped; the rest is applied")
    func aConstraintViolationIsSkipped() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let events = ["a", "b", "a", "c"].map { ProposedEvent(type: "X", payload: Array($0.utf8)) }
        let head = try await log.append(stream: "s", expectedVersion: .noStream, events: events).head.position
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [UniquePayloadProjector()])
        runner.start()
        let (rows, skipped) = try await runner.read("unique-payloads", atLeast: head, timeout: .seconds(120)) { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM payloads")!, try SkippedEvents.all(db))
        }
        #expect(rows == 3)
        #expect(skipped.map(\.position) == [3])
        #expect(skipped.first?.reason.contains("UNIQUE") == true, "\(skipped)")
        #expect(try runner.status(of: "unique-payloads").state == .live)
        await runner.stop()
        try log.close()
    }

    @Test("given a BidSubmitted whose payload does not decode, when a programme report is built, then its annex names the event")
    func aReportAnnexNamesTheSkippedEvent() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        _ = try await FixedHistory.write(to: log)
        // Written past the catalogue check, as an older build's import could.
        let poison = ProposedEvent(type: "BidSubmitted", schemaVersion: 1, payload: [0, 0, 0], recordedAt: T.at(2026, 9, 1))
        let head = try await log.append(stream: T.stream("tender", T.id(200)), expectedVersion: .any, events: [poison]).head
        let (_, skipped) = try InMemoryFold.runSkipping(ProgrammeKPIProjector(geography: T.geography, vault: nil), log: log)
        #expect(skipped.map(\.position) == [head.position])
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: head.position)
        #expect(report.notes.contains { $0.contains("positie \(head.position) (BidSubmitted)") }, "\(report.notes)")
        try log.close()
    }
}
