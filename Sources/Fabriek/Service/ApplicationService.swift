import EventLog
import Events
import FabriekReference
import Foundation
import PersonalData

/// What a command did.
public struct CommandOutcome: Sendable, Hashable {
    public var stream: String
    /// The stream's version after the command (unchanged when the command caused no event).
    public var streamVersion: UInt64
    /// Positions of the appended events (empty when nothing changed).
    public var positions: [UInt64]
    /// A log head at or after the commit; use its position for read-your-writes queries.
    public var head: LogHead
    public var events: [DomainEvent]
    /// True when this is the stored outcome of an earlier command with the same idempotency key.
    public var wasAlreadyStored: Bool = false
    /// For an erasure whose key could not be destroyed right after the commit (e.g. disk full):
    /// what is pending. The erasure is recorded and reads treat the member as erased; the key is
    /// destroyed by the next open of the vault.
    public var shreddingPending: [String] = []
}

/// Errors of the service itself (rule violations are `DomainError`).
public enum ServiceError: Error, Sendable, CustomStringConvertible {
    /// The stream kept changing under the command; nothing was written.
    case tooManyConflicts(stream: String, attempts: Int)
    /// An event of the stream cannot be decoded by this build; `cause` is the decoder's error
    /// (`EventDecodingError`, `ProtoDecodingError`, ...).
    case undecodableEvent(stream: String, version: UInt64, type: String, cause: any Error & Sendable)
    /// The stream holds an event of another aggregate.
    case foreignEvent(stream: String, version: UInt64, type: String)
    /// The caller expected another stream version (`CommandOptions.expectedVersion`); nothing
    /// was written.
    case wrongExpectedVersion(stream: String, expected: UInt64, actual: UInt64)

    public var description: String {
        switch self {
        case let .tooManyConflicts(stream, attempts):
            return "stream '\(stream)' changed concurrently \(attempts) times; nothing was written, retry the command"
        case let .undecodableEvent(stream, version, type, cause):
            return "stream '\(stream)' cannot be read: event \(type) at version \(version): \(cause)"
        case let .foreignEvent(stream, version, type):
            return "stream '\(stream)' cannot be read: event \(type) at version \(version) belongs to another aggregate"
        case let .wrongExpectedVersion(stream, expected, actual):
            return "stream '\(stream)' is at version \(actual), not the expected \(expected); nothing was written, read it again and retry"
        }
    }
}

/// The write side's entry point: load the stream, fold it, decide, append with the expected
/// version — pipelined through group commit.
///
/// Commands decide one at a time (FIFO, under one lock), each on the committed state **plus**
/// every command accepted before it that is not durable yet (its stream's pending events and
/// the in-memory `directory`), so cross-aggregate rules stay exact. Deciding and queueing the
/// command in the log is all the lock covers: the log's writer gathers the commands queued
/// while it wrote and synced the previous commit into the next one, so concurrent commands
/// share a few fsyncs instead of paying one each. A command is answered only once its commit
/// is durable. If a command is not written, nothing decided on top of it is written or
/// acknowledged (the log attempts nothing queued after it in the pipeline's `AppendChain`):
/// those commands are decided again on the real state; the command itself is decided again
/// after a version conflict, or refused with the log's error.
///
/// Decisions use only the injected clock and directory. A refused command (`DomainError`)
/// writes nothing. Erasing a member also destroys the member's key in the vault (after the
/// `MemberErased` event is durable; redone at start if a crash came in between).
///
/// ```swift
/// let service = try ApplicationService(log: log, vault: vault, reference: .load())
/// let outcome = try await service.execute(MemberDecider.self, stream: MemberDecider.streamID(id),
///                                         command: .register(...), metadata: .system)
/// ```
public final class ApplicationService: Sendable {
    public let log: EventLog
    /// The cross-aggregate facts decisions read: committed plus accepted-but-not-yet-durable.
    public let directory: WriteSideDirectory
    public let vault: PersonalDataVault
    public let reference: ReferenceData
    public let clock: ServiceClock
    public let ids: IDGenerator
    public let maxAttempts: Int
    /// Where a command waiting for its commit is resumed (nil: on the log's writer thread).
    public let resumePlacement: ResumePlacement?
    let pipeline: CommandPipeline
    /// Committed states of recently used streams: a command reads only its stream's events
    /// after the one folded last (none when the stream did not change since).
    private let folded = FoldedStates()

    /// `resumePlacement` says where a command waiting for its commit is resumed (a server: on
    /// the event loop of the request's connection; nil: on the log's writer thread).
    public convenience init(log: EventLog, vault: PersonalDataVault, reference: ReferenceData, clock: ServiceClock = .system,
                            ids: IDGenerator = .random, maxAttempts: Int = 5, resumePlacement: ResumePlacement? = nil) throws {
        try self.init(log: log, vault: vault, reference: reference, clock: clock, ids: ids, maxAttempts: maxAttempts,
                      resumePlacement: resumePlacement, enqueueAppend: { log, appends, chain, completion in
                          try log.enqueue(appends, chain: chain, completion: completion)
                      })
    }

    /// `enqueueAppend` queues one pipelined command's append in the log (tests wrap it to
    /// inject a failed commit).
    init(log: EventLog, vault: PersonalDataVault, reference: ReferenceData, clock: ServiceClock, ids: IDGenerator,
         maxAttempts: Int, resumePlacement: ResumePlacement? = nil, enqueueAppend: @escaping CommandPipeline.EnqueueAppend) throws {
        self.resumePlacement = resumePlacement
        self.log = log
        self.vault = vault
        self.reference = reference
        self.clock = clock
        self.ids = ids
        self.maxAttempts = maxAttempts
        directory = WriteSideDirectory()
        let committed = WriteSideDirectory()
        for member in try directory.rebuild(from: log) {
            try vault.completeErasure(of: member, at: clock.now())
        }
        try committed.rebuild(from: log)
        pipeline = try CommandPipeline(log: log, vault: vault, directory: directory, committed: committed,
                                       enqueueAppend: enqueueAppend)
    }

    /// Runs `command` against the aggregate in `stream`; returns once its events are durable.
    ///
    /// - Throws: `DomainError` when a rule refuses it; `ServiceError.wrongExpectedVersion` when
    ///   `options.expectedVersion` does not match; `ServiceError.tooManyConflicts` after
    ///   `maxAttempts` attempts decided on state that changed underneath; `LogError` for
    ///   storage failures. Nothing of the command is written in any of these cases.
    public func execute<D: Decider>(_ decider: D.Type, stream: String, command: D.Command,
                                    metadata: CommandMetadata = .system,
                                    options: CommandOptions = .none) async throws -> CommandOutcome {
        var attempts = 0
        let derivedIDs: ((Int) -> UUID)? = options.idempotencyKey.map { key in
            { DerivedEventID.id(scope: options.idempotencyScope, key: key, index: $0) }
        }
        while true {
            // The committed state the command was decided on, when no accepted command of its
            // stream was pending, with its events as the log's readers decode them.
            var decidedOn: (state: D.State, version: UInt64, checked: [DomainEvent])?
            let step = try pipeline.decideAndEnqueue(derivedIDs: derivedIDs) { overlay throws -> CommandPipeline.Decision in
                let (state, version) = try self.state(D.self, stream: stream, pending: overlay)
                if let expected = options.expectedVersion, expected != version {
                    throw ServiceError.wrongExpectedVersion(stream: stream, expected: expected, actual: version)
                }
                let context = DecisionContext(now: clock.now(), members: directory, consortia: directory,
                                              sealer: vault, reference: reference)
                let events = try D.decide(command, state: state, context: context).map(D.domainEvent)
                var meta = metadata.dictionary
                var idempotencyID: UUID?
                let eventIDs: [UUID]
                if let key = options.idempotencyKey {
                    eventIDs = events.indices.map { DerivedEventID.id(scope: options.idempotencyScope, key: key, index: $0) }
                    idempotencyID = DerivedEventID.id(scope: options.idempotencyScope, key: key, index: 0)
                    meta[CommandMetadata.idempotencyKeyField] = key
                } else {
                    eventIDs = events.map { _ in ids.next() }
                }
                let proposed = zip(events, eventIDs).map { $0.proposed(id: $1, metadata: meta) }
                // No event the readers cannot decode ever reaches the log (`appendChecked`).
                let checked = try proposed.map { try EventCatalogue.check($0) }
                if overlay(stream).isEmpty { decidedOn = (state, version, checked) }
                return CommandPipeline.Decision(stream: stream, baseVersion: version, events: events,
                                                proposed: proposed, idempotencyID: idempotencyID, checked: checked)
            }
            switch step {
            case .done(let outcome):
                return outcome
            case .sameKeyInFlight(let ticket):
                _ = await ticket.wait(placement: resumePlacement)
            case .enqueued(let ticket):
                switch await ticket.wait(placement: resumePlacement) {
                case .committed(var outcome):
                    if let decidedOn { keepFolded(D.self, stream: stream, decidedOn: decidedOn, outcome: outcome) }
                    pipeline.completeErasures(&outcome)
                    return outcome
                case .failed(let error):
                    throw error
                case .retry:
                    attempts += 1
                    if attempts >= maxAttempts { throw ServiceError.tooManyConflicts(stream: stream, attempts: attempts) }
                }
            }
        }
    }

    /// After a command decided on `decidedOn` committed: keeps its stream's state with the
    /// command's events folded in, as the log now holds them (the events as its readers decode
    /// them, at the versions written), so that the next command on the stream need not read
    /// them back from the log. Nothing when the outcome is not exactly those events after that
    /// version (then the next command reads the log as before).
    private func keepFolded<D: Decider>(_ decider: D.Type, stream: String,
                                        decidedOn: (state: D.State, version: UInt64, checked: [DomainEvent]),
                                        outcome: CommandOutcome) {
        let n = UInt64(decidedOn.checked.count)
        guard n > 0, !outcome.wasAlreadyStored, outcome.positions.count == decidedOn.checked.count,
              outcome.streamVersion == decidedOn.version + n else { return }
        var state = decidedOn.state
        for event in decidedOn.checked {
            guard let e = D.aggregateEvent(event) else { return }
            state = D.evolve(state, e)
        }
        folded.keep(D.self, stream: stream, state: state, version: outcome.streamVersion)
    }

    /// Calls `body` after every commit of the pipeline (replacing an earlier observer).
    public func observeCommits(_ body: @escaping @Sendable (CommitFigures) -> Void) {
        pipeline.observe(body)
    }

    /// The committed state of one aggregate and its version.
    public func state<D: Decider>(_ decider: D.Type, stream: String) throws -> (state: D.State, version: UInt64) {
        try state(D.self, stream: stream, pending: { _ in [] })
    }

    /// The state folded from the log, then from the stream's accepted events that are not in
    /// the log yet (`pending` gives them with their stream versions).
    private func state<D: Decider>(_ decider: D.Type, stream: String,
                                   pending: (String) -> [(version: UInt64, event: DomainEvent)]) throws -> (state: D.State, version: UInt64) {
        var state = D.initialState
        var version: UInt64 = 0
        if let known = folded.state(D.self, stream: stream) { (state, version) = known }
        let recorded = try log.readStream(stream, from: version + 1)
        func fold(_ event: DomainEvent, type: String, version: UInt64) throws {
            guard let e = D.aggregateEvent(event) else {
                throw ServiceError.foreignEvent(stream: stream, version: version, type: type)
            }
            state = D.evolve(state, e)
        }
        for r in recorded {
            let event: DomainEvent
            do {
                event = try EventCatalogue.decode(r)
            } catch {
                throw ServiceError.undecodableEvent(stream: stream, version: r.streamVersion, type: r.type, cause: error)
            }
            try fold(event, type: r.type, version: r.streamVersion)
        }
        version += UInt64(recorded.count)
        if !recorded.isEmpty { folded.keep(D.self, stream: stream, state: state, version: version) }
        for p in pending(stream) where p.version > version {
            try fold(p.event, type: p.event.typeName, version: p.version)
            version = p.version
        }
        return (state, version)
    }
}
