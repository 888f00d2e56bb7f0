import EventLog
import Events
import GRDB

/// An event a projector could not apply: recorded, skipped, and shown (`projections status`:
/// "degraded: 1 event skipped"; the annex of reports built on the projection).
public struct SkippedEvent: Sendable, Hashable {
    public var position: UInt64
    public var type: String
    public var reason: String
}

/// A projector never dies on one event. When `apply` throws an error about the event itself
/// (its payload does not decode, or its rows break a constraint such as a tender with two lots
/// of the same number), the batch is rolled back and applied again without that event, which is
/// recorded in the projection's file (table `projection_skipped`: position, type, reason) in the
/// same transaction as the batch. Errors of the storage (disk full, I/O, a busy or corrupt
/// file) still fail the projection: skipping then would lose events that are fine.
public enum SkippedEvents {
    static let table = "projection_skipped"

    /// Thrown out of a batch to have it applied again without `event`.
    struct Unappliable: Error {
        var event: SkippedEvent
    }

    /// True when `error`, thrown by a projector's `apply`, is about the event itself: its payload
    /// does not decode, or its rows break a constraint of the read model. Anything else (the
    /// storage, or an error that may be transient) fails the projection as before.
    static func isAboutTheEvent(_ error: any Error) -> Bool {
        if error is EventDecodingError || error is ProtoDecodingError || error is UpcastError { return true }
        guard let db = error as? DatabaseError else { return false }
        switch db.resultCode {
        case .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_TOOBIG: return true
        default: return false
        }
    }

    /// Applies `event` with `projector`, unless it is in `skip` (then records it instead).
    /// - Throws: `Unappliable` when the projector fails on the event itself; other errors as is.
    static func apply(_ event: EventView, with projector: any Projector, _ db: Database,
                      skip: [UInt64: SkippedEvent]) throws {
        try apply(event, skip: skip, db) { try projector.apply(event, db) }
    }

    /// Runs `apply` (which applies `event`), unless the event is in `skip` (then records it instead).
    /// - Throws: `Unappliable` when `apply` fails on the event itself; other errors as is.
    static func apply(_ event: EventView, skip: [UInt64: SkippedEvent], _ db: Database, _ apply: () throws -> Void) throws {
        if let skipped = skip[event.position] {
            try record(skipped, db)
            return
        }
        do {
            try apply()
        } catch where isAboutTheEvent(error) {
            throw Unappliable(event: SkippedEvent(position: event.position, type: event.type, reason: "\(error)"))
        }
    }

    /// Runs `batch` (one transaction) until it no longer meets an event it cannot apply, each
    /// time with the events met so far skipped. A batch is retried once per such event.
    static func retrying<T>(_ batch: ([UInt64: SkippedEvent]) async throws -> T) async throws -> T {
        var skip: [UInt64: SkippedEvent] = [:]
        while true {
            do {
                return try await batch(skip)
            } catch let e as Unappliable {
                skip[e.event.position] = e.event
            }
        }
    }

    /// `retrying` for synchronous work.
    static func retrying<T>(_ batch: ([UInt64: SkippedEvent]) throws -> T) throws -> T {
        var skip: [UInt64: SkippedEvent] = [:]
        while true {
            do {
                return try batch(skip)
            } catch let e as Unappliable {
                skip[e.event.position] = e.event
            }
        }
    }

    static func record(_ e: SkippedEvent, _ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS projection_skipped (
                position INTEGER PRIMARY KEY, type TEXT NOT NULL, reason TEXT NOT NULL)
            """)
        try db.execute(sql: "INSERT OR REPLACE INTO projection_skipped (position, type, reason) VALUES (?, ?, ?)",
                       arguments: [Int64(e.position), e.type, e.reason])
    }

    /// Every event skipped in this file, by position.
    public static func all(_ db: Database) throws -> [SkippedEvent] {
        guard try db.tableExists(table) else { return [] }
        return try Row.fetchAll(db, sql: "SELECT position, type, reason FROM projection_skipped ORDER BY position").map {
            let position: Int64 = $0["position"]
            return SkippedEvent(position: UInt64(position), type: $0["type"], reason: $0["reason"])
        }
    }

    /// Annex notes of a report built on a projection that skipped `events` (in Dutch, as the
    /// reports are).
    public static func notes(_ events: [SkippedEvent]) -> [String] {
        events.map {
            "Gebeurtenis op positie \($0.position) (\($0.type)) kon niet worden verwerkt en telt niet mee: \($0.reason)"
        }
    }

    /// "degraded: N events skipped" (nil when none), for status lines.
    public static func summary(count: Int) -> String? {
        count == 0 ? nil : "degraded: \(count) event\(count == 1 ? "" : "s") skipped"
    }
}
