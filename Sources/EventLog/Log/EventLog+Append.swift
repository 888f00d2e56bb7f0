import Foundation

extension EventLog {
    /// Appends events to one or more streams atomically: all of them are committed in one batch,
    /// or none is. Each stream's expected version is checked against its version at commit time.
    ///
    /// Returns once the commit is durable (with `Durability.fsync`). Concurrent calls share one
    /// write and one `fdatasync`. An append whose event ids are already stored — anywhere in the
    /// log, at any age, whatever its stream and expected version — returns the original result
    /// (`wasAlreadyStored`, with the stored events' positions and stream versions) and writes
    /// nothing; one whose ids are only partly stored is refused with `.partiallyStored`.
    ///
    /// - Throws: `LogError.wrongExpectedVersion`, `.partiallyStored`, `.duplicateEventInAppend`,
    ///   `.invalidAppend`, `.recordedAtGoesBackwards`, `.diskFull`, `.io`, `.writerFailed`,
    ///   `.readOnly`, `.closed`.
    public func append(_ appends: [StreamAppend]) async throws -> AppendResult {
        guard let writer else { throw LogError.readOnly }
        try state.withLock { s throws(LogError) in try s.checkOpen() }
        return try await withCheckedThrowingContinuation { continuation in
            writer.enqueue(AppendRequest(appends: appends, continuation: continuation))
        }
    }

    /// Appends events to one stream. See `append(_:)`.
    public func append(stream: String, expectedVersion: ExpectedVersion, events: [ProposedEvent]) async throws -> AppendResult {
        try await append([StreamAppend(stream: stream, expectedVersion: expectedVersion, events: events)])
    }

    /// The head right after the commit that holds `position`.
    func commitHead(containing position: UInt64) throws -> LogHead {
        try state.withLock { s throws(LogError) in
            guard let i = s.batches.index(holding: position) else {
                throw LogError.positionOutOfRange(position: position, head: s.head.position)
            }
            let last = s.batches[i].lastPosition
            guard let hash = Recovery.hash(at: last, s) else { throw LogError.notACommitBoundary(position: last) }
            return LogHead(position: last, hash: hash)
        }
    }
}
