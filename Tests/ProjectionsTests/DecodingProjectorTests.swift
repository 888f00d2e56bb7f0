import EventLog
import Events
import Foundation
import GRDB
import Testing
@testable import Projections

/// Decodes each payload (a decimal number as text) ahead of `apply`, which sums them; a payload
/// that is not a number does not decode.
struct NumberSumProjector: DecodingProjector {
    let name = "number-sum"
    let version = 1
    var handledTypes: Set<String>? { ["N"] }

    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE numbers (position INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        }
    }

    func decode(_ event: borrowing EventView) throws -> Int64 {
        guard let n = Int64(String(decoding: event.payload, as: UTF8.self)) else {
            throw EventDecodingError.unknownType("N with payload '\(String(decoding: event.payload, as: UTF8.self))'")
        }
        return n
    }

    func apply(_ event: borrowing EventView, decoded: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO numbers VALUES (?, ?)", arguments: [Int64(event.position), decoded])
    }
}

@Suite struct DecodingProjectorTests {
    @Test func givenALongLogWithOnePayloadThatDoesNotDecode_whenBuiltInBatches_thenEveryOtherEventIsAppliedOnceAndTheBadOneIsSkipped() async throws {
        // Given 30,000 events (long enough for the runner to decode ahead on the log's thread),
        // of which one does not decode and every tenth is of a type the projector does not read
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let count = 30_000, bad = 12_345
        var events: [ProposedEvent] = []
        for i in 1...count {
            let type = i % 10 == 0 ? "Other" : "N"
            events.append(ProposedEvent(type: type, payload: Array((i == bad ? "twelve" : String(i)).utf8)))
            if events.count == 1_000 {
                _ = try await log.append(stream: "numbers", expectedVersion: .any, events: events)
                events.removeAll()
            }
        }
        let head = log.head().position

        // When a runner builds the projection in batches of 1,000
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [NumberSumProjector()],
                                          options: .init(batchSize: 1_000))
        runner.start()
        let (rows, sum, skipped) = try await runner.read("number-sum", atLeast: head, timeout: .seconds(120)) { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM numbers")!, try Int64.fetchOne(db, sql: "SELECT sum(value) FROM numbers")!,
             try SkippedEvents.all(db))
        }
        await runner.stop()
        try log.close()

        // Then each admitted event that decodes was applied once, the bad one is recorded as skipped
        let expected = (1...count).filter { $0 % 10 != 0 && $0 != bad }
        #expect(rows == expected.count)
        #expect(sum == expected.reduce(0) { $0 + Int64($1) })
        #expect(skipped.map(\.position) == [UInt64(bad)])
        #expect(skipped.first?.reason.contains("twelve") == true, "\(skipped)")
    }
}
