import EventLog
import Events
import Foundation

/// What `PersonalDataVault.completeErasures(recordedIn:)` found and did.
public struct ErasureCompletion: Sendable, Hashable, CustomStringConvertible {
    /// Subjects whose erasure the log records but whose key the store still held: destroyed now.
    public var completed: [UUID] = []
    /// Subjects the log records as erased whose key could not be destroyed (with why). They read
    /// as erased all the same; the next open tries again.
    public var stillPending: [Pending] = []

    public struct Pending: Sendable, Hashable {
        public var subject: UUID
        public var reason: String

        public init(subject: UUID, reason: String) {
            self.subject = subject
            self.reason = reason
        }
    }

    public init(completed: [UUID] = [], stillPending: [Pending] = []) {
        self.completed = completed
        self.stillPending = stillPending
    }

    /// True when nothing had to be done.
    public var isEmpty: Bool { completed.isEmpty && stillPending.isEmpty }

    /// One line per subject, for operators.
    public var description: String {
        var lines = completed.map {
            "member \($0.uuidString.lowercased()): erasure recorded in the log but the key was still in the vault; key destroyed now (erasure complete)"
        }
        lines += stillPending.map {
            "member \($0.subject.uuidString.lowercased()): erasure recorded in the log but the key could not be destroyed (\($0.reason)); reads treat the member as erased, the next command that opens the vault tries again"
        }
        return lines.joined(separator: "\n")
    }
}

extension PersonalDataVault {
    /// Opens the vault of a data directory (see `open(directory:environment:)`) and completes
    /// pending shredding against `log`: see `completeErasures(recordedIn:)`.
    public static func open(directory: String, log: EventLog,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (vault: PersonalDataVault, completion: ErasureCompletion) {
        let vault = try open(directory: directory, environment: environment)
        return (vault, vault.completeErasures(recordedIn: log))
    }

    /// Marks every subject whose stream (`member-{id}`) in `log` records `MemberErased` as
    /// erased in this vault, and destroys the keys the store still holds for them (a crash or
    /// a full disk between the durable `MemberErased` and the shred leaves them behind).
    ///
    /// Never throws: a key that cannot be destroyed is reported in `stillPending` and the subject
    /// reads as erased in this process regardless. Costs one stream read per key still held.
    @discardableResult
    public func completeErasures(recordedIn log: EventLog) -> ErasureCompletion {
        var result = ErasureCompletion()
        let active: [UUID]
        do {
            active = try lock.withLock { try store.activeSubjects() }
        } catch {
            // Unreadable key store: nothing can be opened with it either.
            return result
        }
        for subject in active {
            let events: [RecordedEvent]
            do {
                events = try log.readStream(StreamID.member(subject))
            } catch {
                continue
            }
            guard let erasure = events.last(where: { $0.type == MemberErased.typeName }) else { continue }
            do {
                try erase(subject: subject, at: erasure.recordedAt)
                result.completed.append(subject)
            } catch {
                result.stillPending.append(.init(subject: subject, reason: "\(error)"))
            }
        }
        return result
    }

    /// Marks `subject` erased as the log records (reads treat it as erased from now on) and
    /// destroys its key when the store still holds one (or records the tombstone when it never
    /// had one). Returns true when a held key was destroyed. Throws when the store could not be
    /// updated (the subject still reads as erased).
    @discardableResult
    public func completeErasure(of subject: UUID, at time: Timestamp = .now()) throws -> Bool {
        let row: KeyStoreDatabase.Row? = lock.withLock {
            erased.insert(subject)
            return try? store.row(subject: subject)
        }
        switch row {
        case .destroyed:
            return false
        case .active:
            try erase(subject: subject, at: time)
            return true
        case .absent, .none:
            try erase(subject: subject, at: time)
            return false
        }
    }
}
