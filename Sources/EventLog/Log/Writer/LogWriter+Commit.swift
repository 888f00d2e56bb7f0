#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LogWriter {

    struct PlannedEvent {
        var event: ProposedEvent
        var stream: String
        /// The stream's index key, hashed once when planned.
        var key: IndexHashing.Key
        var streamVersion: UInt64
        var position: UInt64
        var recordedAt: Int64
    }

    enum Outcome {
        case accepted(positions: [UInt64], versions: [String: UInt64])
        case alreadyStored(positions: [UInt64], versions: [String: UInt64])
        case refused(LogError)
        /// An append of a chain that broke before it (`AppendChain`): not attempted.
        case chainBroken
    }

    /// Answers `request` with `error`; an append of a chain breaks the chain first, so that
    /// nothing queued after it in the chain is attempted.
    static func answer(_ request: AppendRequest, throwing error: any Error) {
        request.chain?.markBroken()
        request.continuation.resume(throwing: error)
    }

    func commit(_ requests: [AppendRequest], log: EventLog) {
        let now = options.clock().microsecondsSinceEpoch
        var planned: [PlannedEvent] = []
        var outcomes: [Outcome] = []
        var head = LogHead.empty
        var poisoned: LogError?
        adoptCheckpointIfDone(log: log)

        // Every id of the log, read once after open (outside the lock: readers go on meanwhile;
        // only this thread commits, so the snapshot stays the committed state).
        let rejected = log.state.withLock { s in
            defer { s.idIndexRejected = false }
            return s.idIndexRejected
        }
        if rejected {
            // A check found the file does not match the log: never use it again (nor save a
            // checkpoint made from it).
            log.indexFiles.lock.withLock { _ in
                unlink(log.idIndexPath)
                log.indexFiles.idsEpoch.add(1, ordering: .relaxed)
            }
            eventIDs.invalidate()
        }
        if !eventIDs.isLoaded {
            let snapshot = log.state.withLock { $0 }
            do {
                try eventIDs.load(from: snapshot, filePath: log.idIndexPath)
            } catch {
                // Without every id a retry cannot be told from new events: refuse, write nothing.
                let failure = error as? LogError ?? .writerFailed(reason: "reading the stored event ids: \(error)")
                for r in requests { Self.answer(r, throwing: failure) }
                return
            }
        }
        log.state.withLock { s in
            head = s.head
            if let f = s.failure { poisoned = f; return }
            if s.closed { poisoned = .closed; return }
            var pendingVersions = KeyedTable<UInt64>()
            var nextPosition = s.head.position + 1
            var running = s.lastRecordedAt
            for request in requests {
                // A chained append decided on one refused earlier (in this commit or before) is
                // not attempted; a refused chained append breaks its chain for those after it.
                if let chain = request.chain, chain.isBroken {
                    outcomes.append(.chainBroken)
                    continue
                }
                let outcome = Self.plan(request.appends, checked: request.checked, state: s, pendingVersions: &pendingVersions,
                                        eventIDs: &eventIDs, nextPosition: &nextPosition,
                                        running: &running, now: now, planned: &planned)
                if case .refused = outcome { request.chain?.markBroken() }
                outcomes.append(outcome)
            }
        }
        if let poisoned {
            for r in requests { Self.answer(r, throwing: poisoned) }
            return
        }

        var commitError: LogError?
        if !planned.isEmpty {
            do {
                head = try write(planned, after: head, log: log)
            } catch {
                commitError = error
                eventIDs.invalidate()  // it holds the ids of the events just refused
            }
        }

        // Chains whose appends this commit wrote, for their commit figures.
        var chained: [(chain: AppendChain, appends: Int, events: Int, firstQueued: ContinuousClock.Instant)] = []
        for (request, outcome) in zip(requests, outcomes) {
            switch outcome {
            case .chainBroken:
                request.continuation.resume(throwing: AppendChainBroken())
            case .refused(let error):
                Self.answer(request, throwing: error)
            case .accepted(let positions, let versions):
                if let commitError {
                    Self.answer(request, throwing: commitError)
                } else {
                    if let chain = request.chain, chain.onCommit != nil {
                        let queued = request.queuedAt ?? .now
                        if let k = chained.firstIndex(where: { $0.chain === chain }) {
                            chained[k].appends += 1
                            chained[k].events += positions.count
                            chained[k].firstQueued = min(chained[k].firstQueued, queued)
                        } else {
                            chained.append((chain, 1, positions.count, queued))
                        }
                    }
                    request.continuation.resume(returning: AppendResult(
                        positions: positions, streamVersions: versions, head: head, wasAlreadyStored: false))
                }
            case .alreadyStored(let positions, let versions):
                let result = Result {
                    AppendResult(positions: positions, streamVersions: versions,
                                 head: try log.commitHead(containing: positions.max() ?? 0), wasAlreadyStored: true)
                }
                if case .failure = result { request.chain?.markBroken() }
                request.continuation.resume(with: result)
            }
        }
        for c in chained { c.chain.onCommit?(c.appends, c.events, c.firstQueued) }
        if commitError == nil { checkpointIndexIfLarge(log: log) }
    }
}
