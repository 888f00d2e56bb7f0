/// The commits and files of a log, for tools that copy or reproduce it byte for byte
/// (`fabriek-admin export`, `backup`).
public struct CommittedFiles: Sendable, Hashable {
    /// One segment file and the number of its bytes that hold committed batches.
    public struct Segment: Sendable, Hashable {
        public var name: String
        public var path: String
        public var committedLength: Int
    }

    /// The head the lengths belong to.
    public var head: LogHead
    /// Every segment, oldest first. Copying the first `committedLength` bytes of each gives a
    /// log whose head is `head`.
    public var segments: [Segment]
}
