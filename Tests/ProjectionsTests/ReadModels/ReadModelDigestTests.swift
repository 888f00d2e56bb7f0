import EventLog
import Foundation
import GRDB
import Testing
@testable import Projections

/// Every read model holds the same rows (the same `ProjectionDigest`) whether it followed the
/// log live, one event per commit, or was rebuilt in one batch: the batch hooks (`finishBatch`)
/// and the rebuild file's settings must not change what a read model says.
@Suite struct ReadModelDigestTests {
    static func projectors() -> [any Projector] {
        [MemberDirectoryProjector(geography: T.geography, vault: nil), TenderBoardProjector(), ConsortiaProjector(),
         YouRegionProjector(), ProgrammeKPIProjector(geography: T.geography, vault: nil)]
    }

    @Test func givenTheFixedHistory_whenBuiltLiveEventByEventOrByAFullRebuild_thenEveryReadModelHasTheSameDigest() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()

        // Given runners following the log live, one event per batch, while the history is
        // written one event per commit
        let live = try ProjectionRunner(log: log, directory: store.projections, projectors: Self.projectors(),
                                        options: .init(batchSize: 1))
        live.start()
        try await FixedHistory.write(to: log)
        let head = log.head().position
        for name in live.names { try await live.waitUntil(name, reached: head, timeout: .seconds(120)) }
        let liveDigests = try await digests(live)
        let liveSchemas = try await schemas(live)
        await live.stop()

        // When every read model is rebuilt side by side in batches of 5 events (a new version
        // of each; work deferred to the end of the build spans batches)
        let rebuilt = try ProjectionRunner(log: log, directory: store.projections,
                                           projectors: Self.projectors().map { VersionBumped($0) },
                                           options: .init(batchSize: 5))
        #expect(rebuilt.status().allSatisfy { $0.state == .rebuilding })
        rebuilt.start()
        try await waitUntilSwapped(rebuilt)
        let rebuiltDigests = try await digests(rebuilt)
        let rebuiltSchemas = try await schemas(rebuilt)
        await rebuilt.stop()

        // and built from nothing in one batch in another directory
        let fresh = try ProjectionRunner(log: log, directory: store.root + "/fresh", projectors: Self.projectors(),
                                         options: .init(batchSize: 10_000))
        fresh.start()
        for name in fresh.names { try await fresh.waitUntil(name, reached: head, timeout: .seconds(120)) }
        let freshDigests = try await digests(fresh)
        let freshSchemas = try await schemas(fresh)
        await fresh.stop()

        // Then each read model has one digest, and it is not the digest of an empty file;
        // and the builds end with the same tables and indexes as the live file (the indexes a
        // build defers to its end are there again, its markers gone).
        let empty = try await emptyDigests()
        for name in live.names {
            #expect(liveDigests[name] == rebuiltDigests[name], "\(name): live vs side-by-side rebuild")
            #expect(liveDigests[name] == freshDigests[name], "\(name): live vs build from nothing")
            #expect(liveDigests[name] != empty[name], "\(name): the history left it empty")
            #expect(liveSchemas[name] == rebuiltSchemas[name], "\(name): schema, live vs side-by-side rebuild")
            #expect(liveSchemas[name] == freshSchemas[name], "\(name): schema, live vs build from nothing")
        }
        #expect(liveSchemas["tender-board"]?.contains { $0.hasPrefix("index bids_by_tender ") } == true)
        #expect(!store.exists("member-directory.rebuild.unsynced"))
        try log.close()
    }

    @Test func givenTwoFilesDifferingInOneRow_whenDigested_thenTheDigestsDiffer() throws {
        let a = try DatabaseQueue(), b = try DatabaseQueue()
        for (queue, name) in [(a, "Wyck"), (b, "Wijck")] {
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")
                try db.execute(sql: "INSERT INTO t VALUES (1, 'Caberg'), (2, ?)", arguments: [name])
            }
        }
        #expect(try a.read(ProjectionDigest.compute) != b.read(ProjectionDigest.compute))
    }

    private func digests(_ runner: ProjectionRunner) async throws -> [String: String] {
        var out: [String: String] = [:]
        for name in runner.names { out[name] = try await runner.read(name) { try ProjectionDigest.compute($0) } }
        return out
    }

    /// Every table and index of each projection (`type name sql`), sorted.
    private func schemas(_ runner: ProjectionRunner) async throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        for name in runner.names {
            out[name] = try await runner.read(name) { db in
                try Row.fetchAll(db, sql: "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name").map { r in
                    "\(r[0] as String) \(r[1] as String) \(r[2] as String)"
                }
            }
        }
        return out
    }

    private func emptyDigests() async throws -> [String: String] {
        var out: [String: String] = [:]
        for projector in Self.projectors() {
            let queue = try DatabaseQueue()
            var migrator = DatabaseMigrator()
            projector.registerMigrations(in: &migrator)
            try migrator.migrate(queue)
            out[projector.name] = try await queue.read { try ProjectionDigest.compute($0) }
        }
        return out
    }

    /// Polls the status until every projection has swapped its rebuild in (generous deadline).
    private func waitUntilSwapped(_ runner: ProjectionRunner) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while runner.status().contains(where: { $0.rebuild != nil || $0.state != .live || $0.servedVersion != $0.version }) {
            if let failed = runner.status().first(where: { $0.state == .failed }) {
                Issue.record("\(failed.name) failed: \(failed.error ?? "")")
                return
            }
            try #require(ContinuousClock.now < deadline, "rebuilds did not finish: \(runner.status())")
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// A read model under a new version: the runner rebuilds its file side by side.
struct VersionBumped: Projector {
    let base: any Projector
    init(_ base: any Projector) { self.base = base }
    var name: String { base.name }
    var version: Int { base.version + 1 }
    var handledTypes: Set<String>? { base.handledTypes }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }
    func beginBatch(_ db: Database) throws { try base.beginBatch(db) }
    func apply(_ event: borrowing EventView, _ db: Database) throws { try base.apply(event, db) }
    func finishBatch(_ db: Database) throws { try base.finishBatch(db) }
    func beginBuild(_ db: Database) throws { try base.beginBuild(db) }
    func finishBuild(_ db: Database) throws { try base.finishBuild(db) }
}
