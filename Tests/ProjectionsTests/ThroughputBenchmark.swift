import EventLog
import Foundation
import Testing
@testable import Projections

/// Catch-up throughput, printed, never asserted. Runs only when PROJECTIONS_BENCH_EVENTS is
/// set; use a release build: `PROJECTIONS_BENCH_EVENTS=1000000 swift test -c release --filter ThroughputBenchmark`.
@Suite struct ThroughputBenchmark {
    static let events = Int(ProcessInfo.processInfo.environment["PROJECTIONS_BENCH_EVENTS"] ?? "") ?? 0
    static let batchSize = Int(ProcessInfo.processInfo.environment["PROJECTIONS_BENCH_BATCH"] ?? "") ?? 1000

    @Test(.enabled(if: events > 0)) func catchUpThroughput() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        var written = 0
        while written < Self.events {
            let n = min(5_000, Self.events - written)
            let appends = (0..<n).map { i -> StreamAppend in
                let k = written + i
                let payload = Array(#"{"memberId":"m-\#(k % 50_000)","skill":"carpentry","neighbourhood":"Wyck","hours":\#(k % 40)}"#.utf8)
                return StreamAppend(stream: "member-\(k % 50_000)", expectedVersion: .any,
                                    events: [ProposedEvent(type: ["MemberRegistered", "SkillAdded", "HoursLogged"][k % 3], payload: payload)])
            }
            _ = try await log.append(appends)
            written += n
        }
        let head = log.head().position
        let projectors: [(String, any Projector)] = [
            ("filter only (no handled event)", StreamCountProjector(name: "none", handledTypes: ["NoSuchType"])),
            ("1 upsert per event", UpsertPerStream()),
            ("3 statements per event", StreamCountProjector()),
        ]
        for (label, projector) in projectors {
            let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [projector],
                                              options: .init(batchSize: Self.batchSize))
            let start = ContinuousClock.now
            runner.start()
            try await runner.waitUntil(projector.name, reached: head, timeout: .seconds(3600))
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("catch-up \(label), batches of \(Self.batchSize): \(head) events in \(String(format: "%.2f", seconds)) s = \(Int(Double(head) / seconds)) events/s")
            await runner.stop()
        }
        try log.close()
    }
}

/// One upsert per event into a per-stream counter: a typical small read model.
private struct UpsertPerStream: Projector {
    let name = "upsert-per-stream"
    let version = 1
    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE streams (stream TEXT PRIMARY KEY, events INTEGER NOT NULL, last INTEGER NOT NULL) WITHOUT ROWID")
        }
    }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        let s = try db.cachedStatement(sql: """
            INSERT INTO streams (stream, events, last) VALUES (?, 1, ?)
            ON CONFLICT (stream) DO UPDATE SET events = events + 1, last = excluded.last
            """)
        s.setUncheckedArguments([event.stream, Int64(event.position)])
        try s.execute()
    }
}
