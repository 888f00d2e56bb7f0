import Foundation

/// A live, ordered feed of events: first everything after the starting position that is
/// already committed (read in pages), then each new commit as it becomes durable. No event is
/// skipped, repeated or reordered; waiting costs nothing (the writer wakes the subscriber).
/// The sequence ends when the task is cancelled or the log is closed.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    let log: EventLog
    let after: UInt64
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, next: after + 1, pageSize: pageSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let log: EventLog
        var next: UInt64
        let pageSize: Int
        var buffer: [RecordedEvent] = []
        var index = 0

        public mutating func next() async throws -> RecordedEvent? {
            while true {
                if index < buffer.count {
                    defer { index += 1 }
                    return buffer[index]
                }
                if Task.isCancelled { return nil }
                let (head, closed) = log.state.withLock { ($0.head.position, $0.closed) }
                if closed { return nil }
                if next <= head {
                    buffer = try log.read(from: next, maxCount: pageSize)
                    index = 0
                    if let last = buffer.last { next = last.position + 1 }
                    continue
                }
                await log.waitForCommit(beyond: next - 1)
            }
        }
    }
}
