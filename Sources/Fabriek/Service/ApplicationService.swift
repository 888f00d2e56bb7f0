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
    /// The log head after the commit; use its position for read-your-writes queries.
    public var head: LogHead
    public var events: [DomainEvent]
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

    public var description: String {
        switch self {
        case let .tooManyConflicts(stream, attempts):
            return "stream '\(stream)' changed concurrently \(attempts) times; nothing was written, retry the command"
        case let .undecodableEvent(stream, version, type, cause):
            return "stream '\(stream)' cannot be read: event \(type) at version \(version): \(cause)"
        case let .foreignEvent(stream, version, type):
            return "stream '\(stream)' cannot be read: event \(type) at version \(version) belongs to another aggregate"
        }
    }
}

/// The write side's entry point: load the stream, fold it, decide, append with the expected
/// version; on a version conflict reload and decide again, a bounded number of times.
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
    public let directory: WriteSideDirectory
    public let vault: PersonalDataVault
    public let reference: ReferenceData
    public let clock: ServiceClock
    public let ids: IDGenerator
    public let maxAttempts: Int
    private let gate = CommandGate()

    public init(log: EventLog, vault: PersonalDataVault, reference: ReferenceData, clock: ServiceClock = .system,
                ids: IDGenerator = .random, maxAttempts: Int = 5) throws {
        self.log = log
        self.vault = vault
        self.reference = reference
        self.clock = clock
        self.ids = ids
        self.maxAttempts = maxAttempts
        directory = WriteSideDirectory()
        for member in try directory.rebuild(from: log) where !vault.isErased(subject: member) {
            try vault.erase(subject: member, at: clock.now())
        }
    }

    /// Runs `command` against the aggregate in `stream`.
    ///
    /// - Throws: `DomainError` when a rule refuses it; `ServiceError.tooManyConflicts` after
    ///   `maxAttempts` version conflicts; `LogError` for storage failures. Nothing is written in
    ///   any of these cases.
    public func execute<D: Decider>(_ decider: D.Type, stream: String, command: D.Command,
                                    metadata: CommandMetadata = .system) async throws -> CommandOutcome {
        await gate.acquire()
        do {
            let outcome = try await decideAndAppend(decider, stream: stream, command: command, metadata: metadata)
            await gate.release()
            return outcome
        } catch {
            await gate.release()
            throw error
        }
    }

    /// The current state of one aggregate.
    public func state<D: Decider>(_ decider: D.Type, stream: String) throws -> (state: D.State, version: UInt64) {
        let recorded = try log.readStream(stream)
        var state = D.initialState
        for r in recorded {
            let event: DomainEvent
            do {
                event = try EventCatalogue.decode(r)
            } catch {
                throw ServiceError.undecodableEvent(stream: stream, version: r.streamVersion, type: r.type, cause: error)
            }
            guard let e = D.aggregateEvent(event) else {
                throw ServiceError.foreignEvent(stream: stream, version: r.streamVersion, type: r.type)
            }
            state = D.evolve(state, e)
        }
        return (state, UInt64(recorded.count))
    }

    private func decideAndAppend<D: Decider>(_ decider: D.Type, stream: String, command: D.Command,
                                             metadata: CommandMetadata) async throws -> CommandOutcome {
        for _ in 0..<maxAttempts {
            let (state, version) = try state(D.self, stream: stream)
            let context = DecisionContext(now: clock.now(), members: directory, consortia: directory,
                                          sealer: vault, reference: reference)
            let events = try D.decide(command, state: state, context: context).map(D.domainEvent)
            if events.isEmpty {
                return CommandOutcome(stream: stream, streamVersion: version, positions: [], head: log.head(), events: [])
            }
            let proposed = events.map { $0.proposed(id: ids.next(), metadata: metadata.dictionary) }
            let result: AppendResult
            do {
                result = try await log.append(stream: stream, expectedVersion: version == 0 ? .noStream : .exact(version),
                                              events: proposed)
            } catch LogError.wrongExpectedVersion {
                continue
            }
            for e in events {
                directory.apply(e)
                if case .member(.erased(let erased)) = e {
                    try vault.erase(subject: erased.memberId, at: erased.erasedAt)
                }
            }
            return CommandOutcome(stream: stream, streamVersion: result.streamVersions[stream] ?? version,
                                  positions: result.positions, head: result.head, events: events)
        }
        throw ServiceError.tooManyConflicts(stream: stream, attempts: maxAttempts)
    }
}
