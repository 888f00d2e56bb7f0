import Foundation
import Synchronization

/// How a pipelined command ended once its commit was settled.
enum TicketResult: Sendable {
    /// Durable: the command's events are in the log (or it changed nothing and everything it
    /// was decided on is durable).
    case committed(CommandOutcome)
    /// Not written, and decided on state that turned out wrong (a commit it was decided on top
    /// of failed, or its own batch was refused for a version conflict): decide it again.
    case retry
    /// Not written; the error says why.
    case failed(any Error)
}

/// Where a command waiting for its commit is resumed. Called on the waiting task's thread as
/// it starts to wait; returns a function that runs the resumption there (on that thread's event
/// loop, say), or nil to resume it on the thread that settles the commit (the log's writer),
/// from where the runtime's global executor picks a thread.
public typealias ResumePlacement = @Sendable () -> (@Sendable (@escaping @Sendable () -> Void) -> Void)?

/// One command waiting in the pipeline: resolved exactly once by the committer, awaited by
/// the command's caller.
final class PipelineTicket: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<TicketResult, Never>
        /// Runs the resumption where the waiter asked (`ResumePlacement`); nil: at once.
        var place: (@Sendable (@escaping @Sendable () -> Void) -> Void)?
    }

    private enum State {
        case pending([Waiter])
        case resolved(TicketResult)
    }

    private let state = Mutex(State.pending([]))

    func resolve(_ result: TicketResult) {
        let waiters: [Waiter] = state.withLock { s in
            guard case .pending(let w) = s else { return [] }
            s = .resolved(result)
            return w
        }
        for w in waiters {
            if let place = w.place {
                let continuation = w.continuation
                place { continuation.resume(returning: result) }
            } else {
                w.continuation.resume(returning: result)
            }
        }
    }

    func wait(placement: ResumePlacement? = nil) async -> TicketResult {
        await withCheckedContinuation { continuation in
            let ready: TicketResult? = state.withLock { s in
                switch s {
                case .resolved(let r):
                    return r
                case .pending(var w):
                    w.append(Waiter(continuation: continuation, place: placement?()))
                    s = .pending(w)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// One pipelined commit as metrics see it.
public struct CommitFigures: Sendable, Hashable {
    /// Commands acknowledged by the commit.
    public var commands: Int
    /// Events written.
    public var events: Int
    /// From queueing the commit's first command in the log until the commit was durable.
    public var duration: Duration
}
