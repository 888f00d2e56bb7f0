/// Thrown when a test's bounded wait ran out: the awaited behaviour did not happen.
struct TimedOut: Error, CustomStringConvertible {
    let seconds: Double
    let what: String
    var description: String { "timed out after \(seconds) s waiting for \(what)" }
}

/// Runs `body`, failing with `TimedOut` if it has not finished after `seconds`. The timeout only
/// turns a hang into a failure; no test asserts how long anything took.
func withTimeout<T: Sendable>(_ seconds: Double, _ what: String,
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TimedOut(seconds: seconds, what: what)
        }
        return value
    }
}
