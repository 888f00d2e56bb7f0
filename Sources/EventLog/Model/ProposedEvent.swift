import Foundation

/// An event to append: identity, type, schema version, metadata and opaque payload bytes.
/// The log assigns position, stream version and recorded-at.
public struct ProposedEvent: Sendable, Hashable {
    /// The idempotency key: retrying an append whose events are already stored in the stream
    /// (right after the expected version, or for `.any` among its latest events) returns the
    /// original result instead of writing again. Ids are not checked across streams.
    public var id: UUID
    /// The event type name, e.g. `MemberRegistered`. Never changes once written.
    public var type: String
    /// The payload's schema version, for upcasting on read.
    public var schemaVersion: UInt32
    /// Small string map: actor, role, correlation and causation ids (see `MetadataKey`).
    public var metadata: [String: String]
    /// The encoded payload; the log never looks inside.
    public var payload: [UInt8]
    /// Only for imports that reproduce an existing log: the original recorded-at time. It must
    /// not be earlier than the log's last recorded time. `nil` (the normal case) lets the log
    /// assign the commit time.
    public var recordedAt: Timestamp?

    public init(id: UUID = UUID(), type: String, schemaVersion: UInt32 = 1,
                metadata: [String: String] = [:], payload: [UInt8], recordedAt: Timestamp? = nil) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.metadata = metadata
        self.payload = payload
        self.recordedAt = recordedAt
    }
}

/// Well-known metadata keys.
public enum MetadataKey {
    public static let actor = "actor"
    public static let role = "role"
    public static let correlationID = "correlation"
    public static let causationID = "causation"
}

/// The events to append to one stream, and the version the appender expects it to have.
public struct StreamAppend: Sendable, Hashable {
    public var stream: String
    public var expectedVersion: ExpectedVersion
    public var events: [ProposedEvent]

    public init(stream: String, expectedVersion: ExpectedVersion, events: [ProposedEvent]) {
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.events = events
    }
}

/// The outcome of one append call (all streams of it committed atomically).
public struct AppendResult: Sendable, Hashable {
    /// The position of each appended event, in the order given.
    public var positions: [UInt64]
    /// Each touched stream's version after the append.
    public var streamVersions: [String: UInt64]
    /// The log head right after the commit that holds these events.
    public var head: LogHead
    /// True when every event id was already stored and nothing was written.
    public var wasAlreadyStored: Bool

    public init(positions: [UInt64], streamVersions: [String: UInt64], head: LogHead, wasAlreadyStored: Bool) {
        self.positions = positions
        self.streamVersions = streamVersions
        self.head = head
        self.wasAlreadyStored = wasAlreadyStored
    }
}
