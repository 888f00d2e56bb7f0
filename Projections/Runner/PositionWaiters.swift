/// Callers suspended until a projection reaches a position (read-your-writes). Owned by one
/// projection's locked state; resumed by the worker after each committed batch.
struct PositionWaiters {
    private var waiting: [Int: (position: UInt64, continuation: CheckedContinuation<Void, any Error>)] = [:]
    /// Ids whose timeout or cancellation came before they registered.
    private var expired: [Int: any Error] = [:]
    private var nextID = 0

    /// True when nobody waits.
    var isEmpty: Bool { waiting.isEmpty }

    mutating func makeID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// Registers `continuation`, or returns the error it must be resumed with right away
    /// because its id already expired.
    mutating func add(_ id: Int, position: UInt64, _ continuation: CheckedContinuation<Void, any Error>) -> (any Error)? {
        if let error = expired.removeValue(forKey: id) { return error }
        waiting[id] = (position, continuation)
        return nil
    }

    /// Removes and returns the waiter `id`, or remembers that it expired with `error`.
    mutating func expire(_ id: Int, with error: any Error) -> CheckedContinuation<Void, any Error>? {
        if let w = waiting.removeValue(forKey: id) { return w.continuation }
        expired[id] = error
        return nil
    }

    /// Forgets an id that finished normally (drops a late expiry record).
    mutating func forget(_ id: Int) {
        expired.removeValue(forKey: id)
    }

    /// Removes and returns the waiters satisfied by `position`.
    mutating func reached(_ position: UInt64) -> [CheckedContinuation<Void, any Error>] {
        guard !waiting.isEmpty else { return [] }
        let done = waiting.filter { $0.value.position <= position }
        for id in done.keys { waiting.removeValue(forKey: id) }
        return done.values.map(\.continuation)
    }

    /// Removes and returns every waiter.
    mutating func removeAll() -> [CheckedContinuation<Void, any Error>] {
        defer { waiting.removeAll() }
        return waiting.values.map(\.continuation)
    }
}
