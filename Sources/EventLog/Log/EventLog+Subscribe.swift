import Foundation

extension EventLog {
    /// Every event with a position greater than `position`, in order, then live.
    public func subscribe(after position: UInt64, pageSize: Int = 1024) -> EventSubscription {
        EventSubscription(log: self, after: position, pageSize: max(1, pageSize))
    }

    /// Suspends until the event at `position` is committed: durable (with `Durability.fsync`)
    /// and visible to every read. Returns at once when it already is. Waiting costs nothing: the
    /// writer wakes the caller with the commit.
    /// - Throws: `LogError.closed` when the log closes first, the writer's error when it stopped
    ///   (`.writerFailed`), `CancellationError` when the task is cancelled.
    public func waitForCommit(of position: UInt64) async throws {
        while true {
            let (head, closed, failure) = state.withLock { ($0.head.position, $0.closed, $0.failure) }
            if head >= position { return }
            if let failure { throw failure }
            if closed { throw LogError.closed }
            try Task.checkCancellation()
            await waitForCommit(beyond: head)
        }
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
