import Dispatch

/// Runs blocking work (closing a SQLite pool, which waits for reads in flight) on a global
/// dispatch queue, so that it never occupies a thread of Swift's cooperative pool.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try work() })
        }
    }
}
