import Foundation

/// An event to append: identity, type, schema version, metadata and opaque payload bytes.
/// The log assigns position, stream version and recorded-at.
public struct ProposedEvent: Sendable, Hashable {
    /// The idempotency key, over the whole log: an append whose event ids are all stored already
    /// (in any stream, at any age, whatever its expected version) returns the original result
    /// instead of writing again; one whose ids are only partly stored is refused (see
    /// `EventLog.append(_:)`).
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
