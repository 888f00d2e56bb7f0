import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads that run projections' live batches at a lower CPU priority (nice +10, relative to
/// the thread that starts them, at most 19) than the
/// threads that serve requests and append to the log, so that a burst of batches (five
/// projections taking in the commands of the last 100 ms at once) does not hold a core while a
/// command waits for its turn. On Linux the nice value is per thread; these threads keep it for
/// their whole life, so nothing else ever runs at it. The projections still get all the CPU that
/// requests leave; with nothing else to run, the priority changes nothing.
///
/// The work is synchronous (GRDB's blocking `write`, which runs on the calling thread): a
/// waiting job gets a thread of its own, up to `maxThreads`; idle threads wait for the next job.
final class LowPriorityThreads: @unchecked Sendable {
    static let shared = LowPriorityThreads(nice: 10, maxThreads: 64, name: "fabriek-live")

    /// Added to the nice value a new thread inherits.
    private let nice: Int32
    private let maxThreads: Int
    private let name: String
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var waiting = 0
    private var threads = 0

    init(nice: Int32, maxThreads: Int, name: String) {
        self.nice = nice
        self.maxThreads = maxThreads
        self.name = name
    }

    /// Runs `work` on one of the threads and returns what it returns.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try work() }) }
        }
    }

    /// How many threads exist (for tests).
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        // More jobs than threads waiting for one: this job needs a new thread (unless at the cap,
        // where it waits for the first thread that is done).
        let spawn = jobs.count > waiting && threads < maxThreads
        if spawn { threads += 1 } else { condition.signal() }
        condition.unlock()
        if spawn { startThread() }
    }

    private func startThread() {
        let thread = Thread { [self] in
            #if os(Linux)
            // Named through the kernel, so that `top -H` and `perf` tell it from the request
            // thread that started it (whose name it inherits; Foundation's `Thread.name` does
            // not reliably reach the kernel on Linux).
            let comm = open("/proc/thread-self/comm", O_WRONLY)
            if comm >= 0 {
                _ = Array(name.utf8.prefix(15)).withUnsafeBytes { write(comm, $0.baseAddress, $0.count) }
                close(comm)
            }
            let inherited = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, inherited + nice))
            #endif
            condition.lock()
            while true {
                while jobs.isEmpty {
                    waiting += 1
                    condition.wait()
                    waiting -= 1
                }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                condition.lock()
            }
        }
        thread.start()
    }
}
