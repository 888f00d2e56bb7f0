import EventLog
import GRDB

extension ProjectionDatabase {
    /// Applies events from `from` on and moves the checkpoint to the last one applied, in ONE
    /// SQLite transaction: either all their row changes and the new checkpoint are committed,
    /// or nothing is. This is what makes projection exactly-once across crashes.
    ///
    /// Applies through `through`, unless `timeLimit` passes first: then the batch ends early
    /// at an event boundary (checked every 64 events), so a slow projector still commits —
    /// and lets waiters and `stop()` in — regularly.
    ///
    /// `from` must be the stored checkpoint + 1 and `through` at most the log's head.
    /// - Returns: the new checkpoint (`through`, or less when cut by the time limit).
    /// - Throws: whatever the projector or SQLite throws (the batch is rolled back), or
    ///   `ProjectionError.failed` if the log did not deliver the range without gaps.
    func apply(log: EventLog, from: UInt64, through: UInt64, timeLimit: Duration,
               projector: any Projector, filter: TypeFilter) async throws -> UInt64 {
        let name = projector.name
        return try await pool.write { db in
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeLimit)
            var expected = from
            try projector.beginBatch(db)
            do {
                try log.forEachEvent(from: from, through: through) { event in
                    guard event.position == expected else {
                        throw ProjectionError.failed(projection: name, reason: "the log skipped from \(expected) to \(event.position)")
                    }
                    if filter.admits(event.typeBytes) {
                        try projector.apply(event, db)
                    }
                    expected += 1
                    if expected & 63 == 0, clock.now >= deadline { throw BatchCut() }
                }
                guard expected == through + 1 else {
                    throw ProjectionError.failed(projection: name, reason: "the log ended at \(expected - 1), expected \(through)")
                }
            } catch is BatchCut {}
            try projector.finishBatch(db)
            try ProjectionMetadata.setPosition(expected - 1, db)
            return expected - 1
        }
    }
}

/// Ends a batch early at an event boundary (time limit reached); not an error.
private struct BatchCut: Error {}
