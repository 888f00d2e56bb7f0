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

extension EventLog {
    /// Every event with a position greater than `position`, in order, then live.
    public func subscribe(after position: UInt64, pageSize: Int = 1024) -> EventSubscription {
        EventSubscription(log: self, after: position, pageSize: max(1, pageSize))
    }

    /// Suspends until the head is beyond `position`, the log closes, or the task is cancelled.
    func waitForCommit(beyond position: UInt64) async {
        let id = state.withLock { s in
            defer { s.nextWaiterID += 1 }
            return s.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.head.position > position || s.closed || s.cancelledWaiters.remove(id) != nil { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                if let w = s.waiters.removeValue(forKey: id) { return Optional(w) }
                s.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.resume()
        }
        state.withLock { _ = $0.cancelledWaiters.remove(id) }
    }
}
