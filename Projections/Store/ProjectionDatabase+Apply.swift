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
    /// `from` must be the stored checkpoint + 1 and `through` at most the log's head (`head`,
    /// read before the batch). In a build that nobody follows until the head (`bulk`: a rebuild
    /// file, or a serving file built from nothing), the first batch calls the projector's
    /// `beginBuild`; a batch that reaches `head` calls its `finishBuild`.
    /// - Returns: the new checkpoint (`through`, or less when cut by the time limit).
    /// An event the projector cannot apply is skipped and recorded (`SkippedEvents`).
    ///
    /// - Throws: what SQLite throws (the batch is rolled back), or `ProjectionError.failed` if
    ///   the log did not deliver the range without gaps.
    func apply(log: EventLog, from: UInt64, through: UInt64, head: UInt64, bulk: Bool, timeLimit: Duration,
               projector: any Projector, filter: TypeFilter) async throws -> UInt64 {
        let name = projector.name
        return try await SkippedEvents.retrying { skip in try await pool.write { db in
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeLimit)
            var expected = from
            if bulk && from == 1 { try projector.beginBuild(db) }
            try projector.beginBatch(db)
            do {
                try log.forEachEvent(from: from, through: through) { event in
                    guard event.position == expected else {
                        throw ProjectionError.failed(projection: name, reason: "the log skipped from \(expected) to \(event.position)")
                    }
                    if filter.admits(event.typeBytes) {
                        try SkippedEvents.apply(event, with: projector, db, skip: skip)
                    }
                    expected += 1
                    if expected & 63 == 0, clock.now >= deadline { throw BatchCut() }
                }
                guard expected == through + 1 else {
                    throw ProjectionError.failed(projection: name, reason: "the log ended at \(expected - 1), expected \(through)")
                }
            } catch is BatchCut {}
            try projector.finishBatch(db)
            if expected - 1 >= head { try projector.finishBuild(db) }
            try ProjectionMetadata.setPosition(expected - 1, db)
            return expected - 1
        } }
    }
}

/// Ends a batch early at an event boundary (time limit reached); not an error.
private struct BatchCut: Error {}
