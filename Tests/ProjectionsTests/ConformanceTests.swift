import EventLog
import Testing
@testable import Projections

@Suite struct ConformanceTests {
    @Test func referenceProjectorsRebuildToIdenticalTables() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        try await appendEvents(log, count: 700)
        for projector: any Projector in [StreamCountProjector(), OnlyBProjector()] {
            let report = try await ProjectionConformance.rebuildTwice(projector, log: log, batchSize: 100)
            #expect(report.differences.isEmpty, "\(report.differences)")
            #expect(report.position == 700)
            #expect(!report.tables.isEmpty)
        }
        try log.close()
    }

    @Test func aNonDeterministicProjectorIsCaught() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        try await appendEvents(log, count: 50)
        let report = try await ProjectionConformance.rebuildTwice(RandomProjector(), log: log)
        #expect(!report.differences.isEmpty)
        try log.close()
    }
}

private struct RandomProjector: Projector {
    let name = "random"
    let version = 1
    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in try db.execute(sql: "CREATE TABLE r (position INTEGER, value INTEGER)") }
    }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO r VALUES (?, ?)", arguments: [Int64(event.position), Int.random(in: 0...Int.max)])
    }
}
