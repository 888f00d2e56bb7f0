import EventLog
import GRDB

/// Folds a projector over the log into a fresh in-memory SQLite database, without the runner.
///
/// Reports use it to compute a read model *as of* a position with exactly the projector's code;
/// tests use it to check a projector on a small history. Deterministic: the same log prefix
/// gives the same rows. Costs one pass over events `1...position`.
public enum InMemoryFold {
    /// The projector's database after applying every event at positions `1...position`
    /// (default: the head at the time of the call).
    public static func run(_ projector: any Projector, log: EventLog, through position: UInt64? = nil) throws -> DatabaseQueue {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        projector.registerMigrations(in: &migrator)
        try migrator.migrate(queue)
        let filter = TypeFilter(projector.handledTypes)
        let last = position ?? log.head().position
        guard last > 0 else { return queue }
        try queue.write { db in
            try projector.beginBatch(db)
            try log.forEachEvent(from: 1, through: last) { event in
                if filter.admits(event.typeBytes) { try projector.apply(event, db) }
            }
            try projector.finishBatch(db)
        }
        return queue
    }
}
