import EventLog
import GRDB

extension ProjectionDatabase {
    /// Applies the events `from...through` and moves the checkpoint to `through`, in ONE SQLite
    /// transaction: either all their row changes and the new checkpoint are committed, or
    /// nothing is. This is what makes projection exactly-once across crashes.
    ///
    /// `from` must be the stored checkpoint + 1 and `through` at most the log's head.
    /// - Throws: whatever the projector or SQLite throws (the batch is rolled back), or
    ///   `ProjectionError.failed` if the log did not deliver exactly that range.
    func apply(log: EventLog, from: UInt64, through: UInt64, projector: any Projector, filter: TypeFilter) async throws {
        let name = projector.name
        try await pool.write { db in
            var expected = from
            try log.forEachEvent(from: from, through: through) { event in
                guard event.position == expected else {
                    throw ProjectionError.failed(projection: name, reason: "the log skipped from \(expected) to \(event.position)")
                }
                expected += 1
                if filter.admits(event.typeBytes) {
                    try projector.apply(event, db)
                }
            }
            guard expected == through + 1 else {
                throw ProjectionError.failed(projection: name, reason: "the log ended at \(expected - 1), expected \(through)")
            }
            try ProjectionMetadata.setPosition(through, db)
        }
    }
}
