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
