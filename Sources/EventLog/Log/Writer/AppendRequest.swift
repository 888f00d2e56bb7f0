/// One append call waiting for its commit.
struct AppendRequest: Sendable {
    var appends: [StreamAppend]
    var continuation: CheckedContinuation<AppendResult, any Error>
}
