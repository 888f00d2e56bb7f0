import EventLog
import Glibc
import Projections
import Synchronization

/// A projector run as `base`, adding up the CPU time of the thread that runs each batch's
/// hooks, from `beginBatch` to the end of `finishBatch`, and of `finishBuild` (the commit that
/// follows is not counted): the bench's figure of each read model's own cost, whatever else the machine runs.
struct TimedProjector: Projector {
    let base: any Projector
    private let clock = BatchClock()

    init(_ base: any Projector) { self.base = base }

    var name: String { base.name }
    var version: Int { base.version }
    var handledTypes: Set<String>? { base.handledTypes }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }

    func beginBatch(_ db: Database) throws {
        clock.start()
        try base.beginBatch(db)
    }

    func apply(_ event: borrowing EventView, _ db: Database) throws { try base.apply(event, db) }

    func beginBuild(_ db: Database) throws { try base.beginBuild(db) }

    func finishBatch(_ db: Database) throws {
        try base.finishBatch(db)
        clock.stop()
    }

    /// Counted with the batches: it is the deferred part of their work.
    func finishBuild(_ db: Database) throws {
        clock.start()
        try base.finishBuild(db)
        clock.stop()
    }

    /// CPU seconds spent in this projector's batches so far.
    var cpuSeconds: Double { Double(clock.total.load(ordering: .relaxed)) / 1e9 }

    /// The runner calls one projection's hooks from one thread at a time, so one start time.
    private final class BatchClock: Sendable {
        let started = Atomic<Int64>(0)
        let total = Atomic<Int64>(0)

        func start() { started.store(Self.threadNanoseconds(), ordering: .relaxed) }
        func stop() { total.add(Self.threadNanoseconds() - started.load(ordering: .relaxed), ordering: .relaxed) }

        static func threadNanoseconds() -> Int64 {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
        }
    }
}
