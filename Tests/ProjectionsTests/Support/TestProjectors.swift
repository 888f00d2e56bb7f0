import Dispatch
import EventLog
import Foundation
import Synchronization
@testable import Projections

struct Boom: Error, CustomStringConvertible {
    let position: UInt64
    var description: String { "boom at \(position)" }
}

/// A `StreamCountProjector` that throws when it meets `failAt`.
struct FailingProjector: Projector {
    let base: StreamCountProjector
    let failAt: UInt64
    init(version: Int = 1, failAt: UInt64) {
        base = StreamCountProjector(version: version)
        self.failAt = failAt
    }
    var name: String { base.name }
    var version: Int { base.version }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        if event.position == failAt { throw Boom(position: failAt) }
        try base.apply(event, db)
    }
}

/// Lets a test hold a projector inside a batch: the projector calls `arrive()` (on the GRDB
/// writer thread) and blocks until the test calls `open()`.
final class Gate: Sendable {
    private let reached = DispatchSemaphore(value: 0)
    private let opened = DispatchSemaphore(value: 0)

    func arrive() {
        reached.signal()
        opened.wait()
    }

    func waitUntilReached() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.reached.wait()
                c.resume()
            }
        }
    }

    func open() { opened.signal() }
}

/// A `StreamCountProjector` that stops at `position` until its gate opens.
struct GatedProjector: Projector {
    let base: StreamCountProjector
    let gate: Gate
    let position: UInt64
    init(version: Int, gate: Gate, at position: UInt64) {
        base = StreamCountProjector(version: version)
        self.gate = gate
        self.position = position
    }
    var name: String { base.name }
    var version: Int { base.version }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        if event.position == position { gate.arrive() }
        try base.apply(event, db)
    }
}

/// Counts only `B` events, deciding in `apply` (no `handledTypes` filter).
struct OnlyBProjector: Projector {
    let name = "only-b"
    let version = 1
    func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE b_events (position INTEGER PRIMARY KEY, stream TEXT NOT NULL)")
        }
    }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        guard event.hasType("B") else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO b_events (position, stream) VALUES (?, ?)")
        insert.setUncheckedArguments([Int64(event.position), event.stream])
        try insert.execute()
    }
}

/// A `StreamCountProjector` that throws the first time it meets `failAt` only.
struct FlakyProjector: Projector {
    let base = StreamCountProjector()
    let failAt: UInt64
    let failed = OnceFlag()
    var name: String { base.name }
    var version: Int { base.version }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        if event.position == failAt, failed.setFirstTime() { throw Boom(position: failAt) }
        try base.apply(event, db)
    }
}

/// True the first time only.
final class OnceFlag: Sendable {
    private let set = Atomic<Bool>(false)
    func setFirstTime() -> Bool { !set.exchange(true, ordering: .relaxed) }
}
