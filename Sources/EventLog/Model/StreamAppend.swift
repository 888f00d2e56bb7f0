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
