import EventLog
import Events
import Foundation
import PersonalData

/// The application service's pipeline: decides commands one at a time on committed plus
/// pending state, gathers the accepted ones into a batch, and keeps exactly one batch in the
/// log at a time (one atomic multi-stream append) while the next one fills.
///
/// Invariants (all under `lock`):
/// - `overlay[stream]` holds the accepted, not yet durable events of a stream, with their
///   stream versions, in order; `directory` = `committed` + every overlay event.
/// - A batch is appended only after the previous one is settled, so when a batch fails, the
///   commands decided on top of it are all in `open`, never written, and are sent back to be
///   decided again.
///
/// `@unchecked Sendable`: every mutable field is touched only under `lock`.
final class CommandPipeline: @unchecked Sendable {
    typealias AppendBatch = @Sendable (EventLog, [StreamAppend]) async throws -> AppendResult

    /// What one command decided.
    struct Decision {
        var stream: String
        var baseVersion: UInt64
        var events: [DomainEvent]
        var proposed: [ProposedEvent]
        var idempotencyID: UUID?
    }

    enum Step {
        /// Answered at once: a stored idempotent outcome, or a no-op with nothing pending.
        case done(CommandOutcome)
        /// Accepted; await the ticket.
        case enqueued(PipelineTicket)
        /// A command with the same idempotency key is in the pipeline; await it, then look again.
        case sameKeyInFlight(PipelineTicket)
    }

    private struct Pending {
        var decision: Decision
        var ticket: PipelineTicket
    }

    /// Where an event with a derived (idempotency) id is stored.
    private struct StoredEvent {
        var position: UInt64
        var stream: String
        var streamVersion: UInt64
    }

    private let log: EventLog
    private let vault: PersonalDataVault
    private let directory: WriteSideDirectory
    private let committed: WriteSideDirectory
    private let appendBatch: AppendBatch
    private let lock = NSLock()
    private var overlay: [String: [(version: UInt64, event: DomainEvent)]] = [:]
    private var open: [Pending] = []
    private var flushing = false
    private var keysInFlight: [UUID: PipelineTicket] = [:]
    private var storedByDerivedID: [UUID: StoredEvent] = [:]
    private var observer: (@Sendable (CommitFigures) -> Void)?

    /// Called after every batch commit (for metrics).
    func observe(_ body: @escaping @Sendable (CommitFigures) -> Void) {
        lock.withLock { observer = body }
    }

    init(log: EventLog, vault: PersonalDataVault, directory: WriteSideDirectory, committed: WriteSideDirectory,
         appendBatch: @escaping AppendBatch) throws {
        self.log = log
        self.vault = vault
        self.directory = directory
        self.committed = committed
        self.appendBatch = appendBatch
        var stored: [UUID: StoredEvent] = [:]
        try log.forEachEvent(from: 1) { view in
            let id = view.id
            if DerivedEventID.isDerived(id) {
                stored[id] = StoredEvent(position: view.position, stream: view.stream, streamVersion: view.streamVersion)
            }
        }
        storedByDerivedID = stored
    }

    /// Commands accepted and waiting for the next batch (for tests and metrics).
    var openCount: Int { lock.withLock { open.count } }

    /// Under the lock: answers a stored idempotent command, or runs `decide` (which sees the
    /// pending events of a stream through its argument) and enqueues what it decided.
    func decideAndEnqueue(derivedIDs: ((Int) -> UUID)?,
                          _ decide: (_ pending: (String) -> [(version: UInt64, event: DomainEvent)]) throws -> Decision) throws -> Step {
        let (step, startFlush): (Step, Bool) = try lock.withLock {
            if let derivedIDs {
                if let outcome = try storedOutcome(derivedIDs) { return (.done(outcome), false) }
                if let ticket = keysInFlight[derivedIDs(0)] { return (.sameKeyInFlight(ticket), false) }
            }
            let decision = try decide { self.overlay[$0] ?? [] }
            if decision.events.isEmpty && open.isEmpty && !flushing {
                return (.done(CommandOutcome(stream: decision.stream, streamVersion: decision.baseVersion, positions: [],
                                             head: log.head(), events: [])), false)
            }
            let ticket = PipelineTicket()
            var version = decision.baseVersion
            for e in decision.events {
                version += 1
                overlay[decision.stream, default: []].append((version, e))
                directory.apply(e)
            }
            if let id = decision.idempotencyID, !decision.events.isEmpty { keysInFlight[id] = ticket }
            open.append(Pending(decision: decision, ticket: ticket))
            let start = !flushing
            flushing = true
            return (.enqueued(ticket), start)
        }
        if startFlush { Task { await self.flush() } }
        return step
    }

    /// Appends batch after batch until nothing is open.
    private func flush() async {
        while true {
            let batch: [Pending]? = lock.withLock {
                if open.isEmpty {
                    flushing = false
                    return nil
                }
                defer { open = [] }
                return open
            }
            guard let batch else { return }
            let appends = batch.compactMap { p -> StreamAppend? in
                let d = p.decision
                if d.proposed.isEmpty { return nil }
                return StreamAppend(stream: d.stream, expectedVersion: d.baseVersion == 0 ? .noStream : .exact(d.baseVersion),
                                    events: d.proposed)
            }
            if appends.isEmpty {
                let head = log.head()
                for p in batch {
                    p.ticket.resolve(.committed(CommandOutcome(stream: p.decision.stream, streamVersion: p.decision.baseVersion,
                                                               positions: [], head: head, events: [])))
                }
                continue
            }
            do {
                let started = ContinuousClock.now
                let result = try await appendBatch(log, appends)
                let figures = CommitFigures(commands: batch.count, events: result.positions.count,
                                            duration: ContinuousClock.now - started)
                lock.withLock { observer }?(figures)
                settle(batch, result: result)
            } catch {
                fail(batch, error: error)
            }
        }
    }

    private func settle(_ batch: [Pending], result: AppendResult) {
        var outcomes: [(PipelineTicket, TicketResult)] = []
        lock.withLock {
            var next = 0
            for p in batch {
                let d = p.decision
                let n = d.events.count
                let positions = Array(result.positions[next..<min(next + n, result.positions.count)])
                next += n
                let last = d.baseVersion + UInt64(n)
                if var pending = overlay[d.stream] {
                    pending.removeAll { $0.version <= last }
                    overlay[d.stream] = pending.isEmpty ? nil : pending
                }
                for e in d.events { committed.apply(e) }
                for (i, position) in positions.enumerated() where d.idempotencyID != nil {
                    storedByDerivedID[d.proposed[i].id] = StoredEvent(position: position, stream: d.stream,
                                                                      streamVersion: d.baseVersion + UInt64(i) + 1)
                }
                if let id = d.idempotencyID { keysInFlight[id] = nil }
                outcomes.append((p.ticket, .committed(CommandOutcome(stream: d.stream, streamVersion: last, positions: positions,
                                                                      head: result.head, events: d.events))))
            }
        }
        // The erasure is durable: the member reads as erased from here on whatever happens to
        // the shred (`erase` marks it first). A key that cannot be destroyed now (disk full)
        // stays pending and is destroyed by the next open of the vault; the command itself
        // was committed, so it is acknowledged as such.
        for (i, (ticket, outcome)) in outcomes.enumerated() {
            guard case .committed(var committedOutcome) = outcome else { ticket.resolve(outcome); continue }
            for e in batch[i].decision.events {
                if case .member(.erased(let erased)) = e {
                    FaultPoint.afterErasureCommit.hit()
                    do {
                        try vault.erase(subject: erased.memberId, at: erased.erasedAt)
                    } catch {
                        committedOutcome.shreddingPending.append("the key of member \(erased.memberId.uuidString.lowercased()) could not be destroyed yet (\(error)); the member reads as erased and the next command that opens the vault destroys it")
                    }
                }
            }
            ticket.resolve(.committed(committedOutcome))
        }
    }

    /// A batch was not written: its commands are decided again after a version conflict (or
    /// an idempotency race), refused with the error otherwise; every command decided on top
    /// of it (the open batch) is decided again on the real state.
    private func fail(_ batch: [Pending], error: any Error) {
        let onTop: [Pending] = lock.withLock {
            let onTop = open
            open = []
            overlay = [:]
            keysInFlight = [:]
            directory.reset(to: committed)
            return onTop
        }
        let again: Bool
        switch error as? LogError {
        case .wrongExpectedVersion, .partiallyStored, .duplicateEventInAppend:
            again = true
        default:
            again = false
        }
        for p in batch { p.ticket.resolve(again ? .retry : .failed(error)) }
        for p in onTop { p.ticket.resolve(.retry) }
    }

    /// The outcome of the command whose event ids are `derivedIDs(0...)`, if stored.
    private func storedOutcome(_ derivedIDs: (Int) -> UUID) throws -> CommandOutcome? {
        guard let first = storedByDerivedID[derivedIDs(0)] else { return nil }
        var positions = [first.position]
        var last = first
        while let next = storedByDerivedID[derivedIDs(positions.count)] {
            positions.append(next.position)
            last = next
        }
        let events = try positions.map { try EventCatalogue.decode(try log.event(at: $0)) }
        return CommandOutcome(stream: first.stream, streamVersion: last.streamVersion, positions: positions,
                              head: log.head(), events: events, wasAlreadyStored: true)
    }
}
