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

    /// Appends `commits` in order, each as a commit of its own (its own batch, chain hash and
    /// `recordedAt`), exactly as if `append(_:)` were called for each in turn and awaited, but
    /// handed to the writer in one step: a bulk import keeps the commits of the log it copies
    /// without a round trip to the writer thread per commit. Returns one result per commit,
    /// in order: after the first refused or failed commit, the later ones are not attempted
    /// (`LogError.invalidAppend`, field `commits`), so what is stored is a prefix. Durability
    /// as `append(_:)`.
    ///
    /// - Throws: `LogError.readOnly`, `.closed` (then nothing was appended).
    ///
    /// `checked`: the caller has checked what the writer would look up, and the writer trusts
    /// it: no event id of `commits` is stored in the log, and each `.noStream` or `.exact`
    /// expected version is the stream's version when its commit comes (an import into an empty
    /// staging log, which checked every line against the whole file). The writer then reads
    /// neither index for these appends: faster, and the index files' pages are not brought in.
    /// A wrong claim writes a log whose stream versions or ids are wrong; `verify` finds it.
    public func appendCommits(_ commits: [[StreamAppend]], checked: Bool = false) async throws -> [Result<AppendResult, any Error>] {
        guard let writer else { throw LogError.readOnly }
        try state.withLock { s throws(LogError) in try s.checkOpen() }
        guard !commits.isEmpty else { return [] }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var results: [Result<AppendResult, any Error>?]
            var left: Int
            var continuation: CheckedContinuation<[Result<AppendResult, any Error>], Never>?
            var failed = false
            init(_ n: Int) { results = Array(repeating: nil, count: n); left = n }
        }
        let box = Results(commits.count)
        return await withCheckedContinuation { continuation in
            box.continuation = continuation
            let requests = commits.enumerated().map { k, appends in
                var request = AppendRequest(appends: appends, separate: true, stillWanted: {
                    box.lock.lock()
                    defer { box.lock.unlock() }
                    return !box.failed
                }) { result in
                    box.lock.lock()
                    box.results[k] = result
                    if case .failure = result { box.failed = true }
                    box.left -= 1
                    let done = box.left == 0
                    box.lock.unlock()
                    if done { box.continuation!.resume(returning: box.results.map { $0! }) }
                }
                request.checked = checked
                return request
            }
            writer.enqueue(requests)
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
