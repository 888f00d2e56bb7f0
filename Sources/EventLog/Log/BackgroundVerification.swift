import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The check a writable open runs on a thread of its own, at the lowest CPU priority: the whole
/// chain up to the head at open, and the stream index against the log. A broken chain stops the writer (appends throw
/// `LogError.writerFailed`); a stream index that does not match is rebuilt.
final class BackgroundVerification: Sendable {
    private let current = Mutex<OpenVerification>(.running)
    private let cancelled = Atomic<Bool>(false)

    var status: OpenVerification { current.withLock { $0 } }

    func start(log: EventLog) {
        let snapshot = log.state.withLock { $0 }
        let indexedHead = log.indexedHead
        let ids = EventIDIndexFile.openMatching(path: log.idIndexPath, state: snapshot).0
        let thread = Thread { [weak log, self] in
            #if os(Linux)
            // In the background indeed: on Linux the nice value is per thread, so this thread
            // yields the CPU to the writer, readers and everything else.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            #endif
            let report = ChainCheck.walk(snapshot, upTo: nil, indexedHead: indexedHead, index: snapshot.index, ids: ids,
                                         stop: { self.cancelled.load(ordering: .relaxed) })
            if self.cancelled.load(ordering: .relaxed) && report.failure == nil {
                self.current.withLock { $0 = .stopped }
                return
            }
            var final = report
            if let failure = report.failure, let log {
                let reason = "the hash chain does not verify at position \(failure.position) (segment \(failure.segment), "
                    + "byte \(failure.offset)): \(failure.reason); appends are refused so that it is not extended, "
                    + "run 'fabriek-admin log verify'"
                log.state.withLock { s in if s.failure == nil { s.failure = .writerFailed(reason: reason) } }
            }
            if report.failure == nil, report.idIndexProblem != nil, let log {
                log.state.withLock { $0.idIndexRejected = true }
                final.idIndexProblem! += "; the writer reads the ids from the segments again"
            }
            if report.failure == nil, report.indexProblem != nil, let log {
                do {
                    try log.rebuildStreamIndex()
                    final.indexProblem! += "; rebuilt from the segments"
                } catch {
                    final.indexProblem! += "; rebuilding it failed: \(error)"
                }
            }
            if !final.findings.isEmpty { final.isIntact = false }
            self.current.withLock { $0 = .finished(final) }
        }
        thread.name = "fabriek-log-verify"
        thread.start()
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }
}
