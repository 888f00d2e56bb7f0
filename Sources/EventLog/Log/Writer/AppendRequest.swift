/// One append call waiting for its commit.
struct AppendRequest: Sendable {
    var appends: [StreamAppend]
    var continuation: AppendCompletion
    /// Committed as a batch of its own (`EventLog.appendCommits`), never merged with others.
    var separate = false
    /// For `separate` requests: false when the request is no longer to be committed (an
    /// earlier commit of the same `appendCommits` call failed).
    var stillWanted: (@Sendable () -> Bool)?
    /// The chain this append depends on (`EventLog.enqueue(_:chain:completion:)`).
    var chain: AppendChain?
    /// When a chained append was queued (for the chain's commit figures).
    var queuedAt: ContinuousClock.Instant?
    /// The caller checked that no event id is stored and that each exact expected version is
    /// the stream's version (`EventLog.appendCommits(_:checked:)`): the writer looks neither up.
    var checked = false

    init(appends: [StreamAppend], continuation: CheckedContinuation<AppendResult, any Error>) {
        self.appends = appends
        self.continuation = AppendCompletion { continuation.resume(with: $0) }
    }

    init(appends: [StreamAppend], separate: Bool, stillWanted: (@Sendable () -> Bool)? = nil,
         completion: @escaping @Sendable (Result<AppendResult, any Error>) -> Void) {
        self.appends = appends
        self.continuation = AppendCompletion(body: completion)
        self.separate = separate
        self.stillWanted = stillWanted
    }
}

/// How the writer answers one request: an async caller's continuation, or a callback.
struct AppendCompletion: Sendable {
    let body: @Sendable (Result<AppendResult, any Error>) -> Void

    func resume(throwing error: any Error) { body(.failure(error)) }
    func resume(returning result: AppendResult) { body(.success(result)) }
    func resume(with result: Result<AppendResult, any Error>) { body(result) }
}
