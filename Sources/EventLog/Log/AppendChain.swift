import Foundation
import Synchronization

/// Appends that depend on each other in the order they are queued: each was decided on the
/// state the earlier ones create (a command pipeline deciding on accepted, not yet durable
/// commands). Once one of them is not written (refused, or its commit failed), none queued
/// after it in the same chain is attempted: each is answered `AppendChainBroken`. A chain
/// stays broken; its owner starts a new one after deciding again on the real state.
///
/// The writer answers a chain's appends strictly in the order they were queued, each once its
/// commit is durable (the commits group them with whatever else is queued).
public final class AppendChain: Sendable {
    private let broken = Atomic<Bool>(false)
    /// Called by the writer once per commit that wrote appends of this chain, after answering
    /// them: how many appends of the chain it held, their events, and when the first of them
    /// was queued.
    let onCommit: (@Sendable (_ appends: Int, _ events: Int, _ firstQueued: ContinuousClock.Instant) -> Void)?

    public init(onCommit: (@Sendable (_ appends: Int, _ events: Int, _ firstQueued: ContinuousClock.Instant) -> Void)? = nil) {
        self.onCommit = onCommit
    }

    /// True once an append of the chain was not written (or `markBroken()` was called).
    public var isBroken: Bool { broken.load(ordering: .acquiring) }

    /// Refuses every append of the chain the writer has not taken up yet. The writer calls it
    /// itself before answering a failed append; an owner that fails an append before it
    /// reaches the log calls it too.
    public func markBroken() { broken.store(true, ordering: .releasing) }
}

/// The answer to an append of a broken chain: not attempted, nothing written.
public struct AppendChainBroken: Error, Sendable, Hashable, CustomStringConvertible {
    public init() {}
    public var description: String {
        "not attempted: an append queued before it in the same chain was not written, and this one was decided on it"
    }
}

extension EventLog {
    /// Queues `appends` as the next append of `chain`, without waiting: `completion` is called
    /// on the writer thread once the commit holding it is durable (or with the error that kept
    /// it from being written: what `append(_:)` throws, or `AppendChainBroken`). Completions of
    /// one chain come in the order of the `enqueue` calls; keep them short (they run on the
    /// writer thread, between commits).
    ///
    /// - Throws: `LogError.readOnly`, `.closed` (then nothing was queued and `completion` is
    ///   never called).
    public func enqueue(_ appends: [StreamAppend], chain: AppendChain,
                        completion: @escaping @Sendable (Result<AppendResult, any Error>) -> Void) throws(LogError) {
        guard let writer else { throw .readOnly }
        try state.withLock { s throws(LogError) in try s.checkOpen() }
        var request = AppendRequest(appends: appends, separate: false, completion: completion)
        request.chain = chain
        request.queuedAt = .now
        guard writer.enqueueIfRunning(request) else { throw .closed }
    }
}
