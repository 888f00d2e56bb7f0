import Foundation

/// An event as stored: the envelope the log assigned and the payload bytes.
public struct RecordedEvent: Sendable, Hashable {
    /// Global position, 1 for the first event of the log; no gaps.
    public var position: UInt64
    public var id: UUID
    public var stream: String
    /// 1 for the first event of the stream.
    public var streamVersion: UInt64
    public var type: String
    public var schemaVersion: UInt32
    /// Assigned by the log at commit; never decreases along positions.
    public var recordedAt: Timestamp
    public var metadata: [String: String]
    public var payload: [UInt8]

    public init(position: UInt64, id: UUID, stream: String, streamVersion: UInt64, type: String,
                schemaVersion: UInt32, recordedAt: Timestamp, metadata: [String: String], payload: [UInt8]) {
        self.position = position
        self.id = id
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.payload = payload
    }
}
