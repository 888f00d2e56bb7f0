import EventLog
import GRDB

extension ProjectionDatabase {
    /// How a scan goes: the events it covers and how it cuts them into batches.
    struct Scan: Sendable {
        /// The stored checkpoint + 1.
        var from: UInt64
        /// The last event to apply: at most the log's head (`head`, read before the scan).
        var through: UInt64
        var head: UInt64
        /// A build that nobody follows until the head (a rebuild file, or a serving file built
        /// from nothing): the first batch from event 1 calls the projector's `beginBuild`, a
        /// batch that reaches `head` its `finishBuild`.
        var bulk: Bool
        /// Events per batch (at least 1).
        var batchSize: Int
        /// A batch ends early, at an event boundary (checked every 64 events), once it has run
        /// this long: a slow projector still commits regularly.
        var timeLimit: Duration
    }

    /// Applies the events of `scan` in batches and moves the checkpoint after each, every batch
    /// in ONE SQLite transaction: either all its row changes and its new checkpoint are
    /// committed, or nothing is. This is what makes projection exactly-once across crashes.
    ///
    /// The log is read once for the whole scan, so a scan of many batches reads ahead (and, for
    /// a `DecodingProjector`, decodes ahead) on another thread while batches are applied and
    /// committed. After each commit `committed` gets the new checkpoint, on the writer's
    /// thread; when it returns false the scan ends there (to stop, or to begin a rebuild).
    ///
    /// An event the projector cannot apply is skipped and recorded (`SkippedEvents`): its batch
    /// is rolled back and applied again without it.
    /// - Returns: the last checkpoint committed (`scan.through`, or less when `committed` ended
    ///   the scan).
    /// - Throws: what SQLite throws (the batch in progress is rolled back; batches committed
    ///   before it stay), or `ProjectionError.failed` if the log did not deliver the range
    ///   without gaps.
    func apply(_ scan: Scan, log: EventLog, projector: any Projector, filter: TypeFilter,
               committed: @escaping @Sendable (UInt64) -> Bool) async throws -> UInt64 {
        var position = scan.from - 1
        var skip: [UInt64: SkippedEvent] = [:]
        while position < scan.through {
            var rest = scan
            rest.from = position + 1
            let pool = self.pool
            let batch: @Sendable (Database) throws -> (Outcome, UInt64) = { [rest, skip] db in
                try Self.run(rest, log: log, projector: projector, filter: filter, skip: skip, committed: committed, db)
            }
            // A live batch yields the CPU to requests and appends (`LowPriorityThreads`); a
            // build nobody follows yet runs at full priority.
            let (outcome, checkpoint) = scan.bulk
                ? try await pool.writeWithoutTransaction(batch)
                : try await LowPriorityThreads.shared.run { try pool.writeWithoutTransaction(batch) }
            position = checkpoint
            switch outcome {
            case .done: return position
            case .skip(let event): skip[event.position] = event
            }
        }
        return position
    }

    private enum Outcome: Sendable {
        /// Through the end of the scan, or ended by `committed`.
        case done
        /// The batch in progress was rolled back: apply it again without this event.
        case skip(SkippedEvent)
    }

    /// The scan on the writer's connection; returns how it ended and the last checkpoint it
    /// committed.
    private static func run(_ scan: Scan, log: EventLog, projector: any Projector, filter: TypeFilter,
                            skip: [UInt64: SkippedEvent], committed: @escaping @Sendable (UInt64) -> Bool,
                            _ db: Database) throws -> (Outcome, UInt64) {
        var batch = Batch(scan: scan, projector: projector, committed: committed)
        do {
            if let decoding = projector as? any DecodingProjector {
                try scanDecoding(decoding, scan, log: log, filter: filter, skip: skip, batch: &batch, db)
            } else {
                try log.forEachEvent(from: scan.from, through: scan.through) { event in
                    try batch.begin(event.position, db)
                    if filter.admits(event.typeBytes) { try SkippedEvents.apply(event, with: projector, db, skip: skip) }
                    try batch.end(db)
                }
            }
            guard batch.expected == scan.through + 1 else {
                throw ProjectionError.failed(projection: projector.name,
                                             reason: "the log ended at \(batch.expected - 1), expected \(scan.through)")
            }
            return (.done, batch.checkpoint)
        } catch is Batch.Ended {
            return (.done, batch.checkpoint)
        } catch let error as SkippedEvents.Unappliable {
            try batch.rollBack(db)
            return (.skip(error.event), batch.checkpoint)
        } catch {
            try? batch.rollBack(db)
            throw error
        }
    }

    /// The events of `scan` decoded by `projector`, ahead on the log's thread when the scan is
    /// long enough; a decoding error is kept with its event and handled there.
    private static func scanDecoding<P: DecodingProjector>(_ projector: P, _ scan: Scan, log: EventLog, filter: TypeFilter,
                                                           skip: [UInt64: SkippedEvent], batch: inout Batch,
                                                           _ db: Database) throws {
        try log.forEachEvent(from: scan.from, through: scan.through, decodedBy: { event -> Result<P.Decoded, any Error>? in
            guard filter.admits(event.typeBytes) else { return nil }
            return Result { try projector.decode(event) }
        }) { event, decoded in
            try batch.begin(event.position, db)
            if let decoded {
                try SkippedEvents.apply(event, skip: skip, db) { try projector.apply(event, decoded: try decoded.get(), db) }
            }
            try batch.end(db)
        }
    }

    /// The batch in progress of a scan: opens a transaction at its first event, commits it with
    /// the checkpoint at its last.
    private struct Batch {
        /// Thrown out of the scan when `committed` asks to end it; not an error.
        struct Ended: Error {}

        let scan: Scan
        let projector: any Projector
        let committed: (UInt64) -> Bool
        /// The next position the log must deliver.
        var expected: UInt64
        /// The last position committed.
        var checkpoint: UInt64
        var open = false
        var first: UInt64 = 0
        var deadline = ContinuousClock.now
        let clock = ContinuousClock()

        init(scan: Scan, projector: any Projector, committed: @escaping (UInt64) -> Bool) {
            self.scan = scan
            self.projector = projector
            self.committed = committed
            expected = scan.from
            checkpoint = scan.from - 1
        }

        /// Before the event at `position`: checks it is the one expected, opens a batch if none is.
        mutating func begin(_ position: UInt64, _ db: Database) throws {
            guard position == expected else {
                throw ProjectionError.failed(projection: projector.name, reason: "the log skipped from \(expected) to \(position)")
            }
            guard !open else { return }
            try db.beginTransaction(.immediate)
            open = true
            first = position
            deadline = clock.now.advanced(by: scan.timeLimit)
            if scan.bulk && position == 1 { try projector.beginBuild(db) }
            try projector.beginBatch(db)
        }

        /// After the event at `expected`: commits the batch when it is full, out of time, or at
        /// the end of the scan.
        mutating func end(_ db: Database) throws {
            let position = expected
            expected += 1
            let full = position - first + 1 >= UInt64(max(1, scan.batchSize))
            let late = expected & 63 == 0 && clock.now >= deadline
            guard full || late || position == scan.through else { return }
            try projector.finishBatch(db)
            if position >= scan.head { try projector.finishBuild(db) }
            try ProjectionMetadata.setPosition(position, db)
            try db.commit()
            open = false
            checkpoint = position
            if !committed(position) { throw Ended() }
        }

        /// Rolls back the batch in progress, if any.
        mutating func rollBack(_ db: Database) throws {
            guard open else { return }
            open = false
            try db.rollback()
        }
    }
}
