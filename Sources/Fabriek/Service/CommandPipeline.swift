import EventLog
import Events
import Foundation
import PersonalData

/// The application service's pipeline: decides commands one at a time on committed plus
/// pending state and hands each accepted command to the log at once, as the next append of one
/// `AppendChain`. The log's writer gathers everything queued while it wrote and synced the
/// previous commit into the next one (group commit), so a commit starts the moment the previous
/// one is durable, and answers a chain's appends in order, each once durable.
///
/// Invariants (all under `lock`):
/// - `overlay[stream]` holds the accepted, not yet durable events of a stream, with their
///   stream versions, in order; `directory` = `committed` + every overlay event.
/// - Every command in the log's queue was decided on the commands queued before it in the same
///   chain. When one of them is not written, the writer attempts none after it in the chain
///   (`AppendChainBroken`): the pipeline forgets every pending event, starts a new chain, and
///   each command decided on top of the failed one is decided again on the real state. So no
///   command decided on a commit that failed is ever written or acknowledged.
///
/// `@unchecked Sendable`: every mutable field is touched only under `lock`.
final class CommandPipeline: @unchecked Sendable {
    /// Queues one command's appends on `chain`; `completion` is called once (never from within
    /// this call) when the log wrote them or not. Tests wrap the log's `enqueue` to inject a
    /// failed commit.
    typealias EnqueueAppend = @Sendable (EventLog, [StreamAppend], AppendChain,
                                         @escaping @Sendable (Result<AppendResult, any Error>) -> Void) throws -> Void

    /// What one command decided.
    struct Decision {
        var stream: String
        var baseVersion: UInt64
        var events: [DomainEvent]
        var proposed: [ProposedEvent]
        var idempotencyID: UUID?
        /// `proposed` as a reader decodes them (`EventCatalogue.check`), when the decider
        /// checked them already; else the pipeline checks them.
        var checked: [DomainEvent]? = nil
    }

    enum Step {
        /// Answered at once: a stored idempotent outcome, or a no-op with nothing pending.
        case done(CommandOutcome)
        /// Accepted; await the ticket.
        case enqueued(PipelineTicket)
        /// A command with the same idempotency key is in the pipeline; await it, then look again.
        case sameKeyInFlight(PipelineTicket)
    }

    /// A command that changed nothing but was decided on pending commands: answered once the
    /// command queued last before it is settled.
    private struct WaitingNoOp {
        var after: UInt64
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
    private let enqueueAppend: EnqueueAppend
    private let lock = NSLock()
    private var overlay: [String: [(version: UInt64, event: DomainEvent)]] = [:]
    private var chain: AppendChain!
    /// Commands queued in the log and not settled yet.
    private var inFlight = 0
    /// Sequence number of the last command queued in the log.
    private var lastQueued: UInt64 = 0
    private var noOps: [WaitingNoOp] = []
    private var keysInFlight: [UUID: PipelineTicket] = [:]
    private var storedByDerivedID: [UUID: StoredEvent] = [:]
    private var observer: (@Sendable (CommitFigures) -> Void)?

    /// Called after every commit that wrote commands of the pipeline (for metrics).
    func observe(_ body: @escaping @Sendable (CommitFigures) -> Void) {
        lock.withLock { observer = body }
    }

    init(log: EventLog, vault: PersonalDataVault, directory: WriteSideDirectory, committed: WriteSideDirectory,
         enqueueAppend: @escaping EnqueueAppend) throws {
        self.log = log
        self.vault = vault
        self.directory = directory
        self.committed = committed
        self.enqueueAppend = enqueueAppend
        var stored: [UUID: StoredEvent] = [:]
        try log.forEachEvent(from: 1) { view in
            let id = view.id
            if DerivedEventID.isDerived(id) {
                stored[id] = StoredEvent(position: view.position, stream: view.stream, streamVersion: view.streamVersion)
            }
        }
        storedByDerivedID = stored
        chain = makeChain()
    }

    private func makeChain() -> AppendChain {
        AppendChain { [weak self] commands, events, firstQueued in
            guard let self else { return }
            let figures = CommitFigures(commands: commands, events: events, duration: ContinuousClock.now - firstQueued)
            self.lock.withLock { self.observer }?(figures)
        }
    }

    /// Commands queued in the log and not settled yet (for tests and metrics).
    var openCount: Int { lock.withLock { inFlight } }

    /// Under the lock: answers a stored idempotent command, or runs `decide` (which sees the
    /// pending events of a stream through its argument) and queues what it decided in the log.
    ///
    /// - Throws: what `decide` throws; `PayloadRejection` when an event it decided could not be
    ///   read back (nothing queued); what the log's `enqueue` throws (closed).
    func decideAndEnqueue(derivedIDs: ((Int) -> UUID)?,
                          _ decide: (_ pending: (String) -> [(version: UInt64, event: DomainEvent)]) throws -> Decision) throws -> Step {
        try lock.withLock {
            if let derivedIDs {
                if let outcome = try storedOutcome(derivedIDs) { return .done(outcome) }
                if let ticket = keysInFlight[derivedIDs(0)] { return .sameKeyInFlight(ticket) }
            }
            let decision = try decide { self.overlay[$0] ?? [] }
            if decision.events.isEmpty {
                if inFlight == 0 {
                    return .done(CommandOutcome(stream: decision.stream, streamVersion: decision.baseVersion, positions: [],
                                                head: log.head(), events: []))
                }
                let ticket = PipelineTicket()
                noOps.append(WaitingNoOp(after: lastQueued, decision: decision, ticket: ticket))
                return .enqueued(ticket)
            }
            // No event the readers cannot decode ever reaches the log (`appendChecked`).
            if decision.checked?.count != decision.proposed.count {
                for e in decision.proposed { _ = try EventCatalogue.check(e) }
            }
            let ticket = PipelineTicket()
            let seq = lastQueued + 1
            let chain = self.chain!
            let append = StreamAppend(stream: decision.stream,
                                      expectedVersion: decision.baseVersion == 0 ? .noStream : .exact(decision.baseVersion),
                                      events: decision.proposed)
            try enqueueAppend(log, [append], chain) { [self] result in
                settle(seq: seq, decision: decision, ticket: ticket, chain: chain, result: result)
            }
            lastQueued = seq
            inFlight += 1
            var version = decision.baseVersion
            for e in decision.events {
                version += 1
                overlay[decision.stream, default: []].append((version, e))
                directory.apply(e)
            }
            if let id = decision.idempotencyID { keysInFlight[id] = ticket }
            return .enqueued(ticket)
        }
    }

    /// The log wrote (or did not write) the command queued as `seq`: called on the log's writer
    /// thread, in queue order.
    private func settle(seq: UInt64, decision d: Decision, ticket: PipelineTicket, chain: AppendChain,
                        result: Result<AppendResult, any Error>) {
        var answers: [(PipelineTicket, TicketResult)] = []
        lock.withLock {
            inFlight -= 1
            let head: LogHead
            switch result {
            case .success(let r):
                head = r.head
                let n = d.events.count
                let last = d.baseVersion + UInt64(n)
                if var pending = overlay[d.stream] {
                    pending.removeAll { $0.version <= last }
                    overlay[d.stream] = pending.isEmpty ? nil : pending
                }
                for e in d.events { committed.apply(e) }
                if d.idempotencyID != nil {
                    for (i, position) in r.positions.enumerated() where i < d.proposed.count {
                        storedByDerivedID[d.proposed[i].id] = StoredEvent(position: position, stream: d.stream,
                                                                          streamVersion: d.baseVersion + UInt64(i) + 1)
                    }
                }
                answers.append((ticket, .committed(CommandOutcome(stream: d.stream, streamVersion: last, positions: r.positions,
                                                                   head: r.head, events: d.events))))
            case .failure(let error):
                head = log.head()
                if chain === self.chain {
                    // The first failure of the current chain: everything pending was decided on
                    // it (or after it) and is not written; forget it and decide again.
                    overlay = [:]
                    keysInFlight = [:]
                    directory.reset(to: committed)
                    self.chain = makeChain()
                    answers += noOps.map { ($0.ticket, .retry) }
                    noOps = []
                }
                let again: Bool
                switch error {
                case is AppendChainBroken:
                    again = true
                case let e as LogError:
                    switch e {
                    case .wrongExpectedVersion, .partiallyStored, .duplicateEventInAppend: again = true
                    default: again = false
                    }
                default:
                    again = false
                }
                answers.append((ticket, again ? .retry : .failed(error)))
            }
            if let id = d.idempotencyID, keysInFlight[id] === ticket { keysInFlight[id] = nil }
            // No-ops decided on commands up to this one: everything they saw is settled.
            var k = 0
            while k < noOps.count && noOps[k].after <= seq {
                let w = noOps[k]
                answers.append((w.ticket, .committed(CommandOutcome(stream: w.decision.stream, streamVersion: w.decision.baseVersion,
                                                                     positions: [], head: head, events: []))))
                k += 1
            }
            noOps.removeFirst(k)
        }
        for (t, r) in answers { t.resolve(r) }
    }

    /// After a committed command: destroys the key of a member it erased. The erasure is
    /// durable: the member reads as erased from here on whatever happens to the shred (`erase`
    /// marks it first). A key that cannot be destroyed now (disk full) stays pending and is
    /// destroyed by the next open of the vault; the command itself was committed, so it is
    /// acknowledged as such.
    func completeErasures(_ outcome: inout CommandOutcome) {
        for e in outcome.events {
            if case .member(.erased(let erased)) = e {
                FaultPoint.afterErasureCommit.hit()
                do {
                    try vault.erase(subject: erased.memberId, at: erased.erasedAt)
                } catch {
                    outcome.shreddingPending.append("the key of member \(erased.memberId.uuidString.lowercased()) could not be destroyed yet (\(error)); the member reads as erased and the next command that opens the vault destroys it")
                }
            }
        }
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
