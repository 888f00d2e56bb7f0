import Dispatch
import Foundation
import Synchronization

/// Starts the kernel's write-back of a log file every `threshold` bytes written to it, so that
/// its dirty pages go to the disk a little at a time instead of all at once.
///
/// The request log writes a line per request (~150 bytes; 4-5 MB/s under the load benchmark's
/// reads). Left to the kernel, those pages stay dirty until they are 30 s old and are then
/// written back together: after the benchmark's read runs, 90-120 MB of `serve.log` in about
/// a second, queued on the disk ahead of the event log's `fdatasync`, which then took 70-85 ms
/// and held every command in flight (64 answers over 20 ms at once, in each full run measured).
/// With write-back started every megabyte, the disk never has more than that of the log to
/// write before a sync.
///
/// `wrote(_:)` costs an atomic add; the write-back itself (`sync_file_range` with
/// `SYNC_FILE_RANGE_WRITE`: it starts the writes and waits for none, nor flushes the disk's
/// cache) runs on a utility queue, one at a time, never on the caller's thread. Nothing happens
/// for a descriptor that is not a regular file (a terminal, a pipe, journald's socket) or where
/// the C library has no `sync_file_range`. Durability is unchanged: the lines were never synced
/// and are not now; they only reach the disk sooner.
final class LogWriteback: Sendable {
    let fileDescriptor: Int32
    let threshold: Int
    /// False for a descriptor whose write-back cannot be started (not a regular file, or no
    /// `sync_file_range`): then `wrote(_:)` does nothing.
    let isActive: Bool
    private let unstarted = Atomic<Int>(0)
    private let inFlight = Atomic<Bool>(false)
    /// Write-backs started (and returned 0), for tests and diagnostics.
    private let startedCount = Atomic<Int>(0)
    private let queue = DispatchQueue(label: "fabriek-log-writeback", qos: .utility)

    init(fileDescriptor: Int32, threshold: Int = 1 << 20) {
        self.fileDescriptor = fileDescriptor
        self.threshold = max(1, threshold)
        var info = stat()
        isActive = Self.syncFileRange != nil && fstat(fileDescriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Counts `bytes` written to the file; starts a write-back of its dirty pages once
    /// `threshold` bytes were written since the last one began (unless one is running).
    func wrote(_ bytes: Int) {
        guard isActive else { return }
        let total = unstarted.add(bytes, ordering: .relaxed).newValue
        guard total >= threshold,
              inFlight.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        unstarted.store(0, ordering: .relaxed)
        queue.async { [self] in
            if let start = Self.syncFileRange, start(fileDescriptor, 0, 0, Self.syncFileRangeWrite) == 0 {
                startedCount.add(1, ordering: .relaxed)
            }
            inFlight.store(false, ordering: .releasing)
        }
    }

    /// The write-backs started so far, once those already scheduled have run.
    func started() -> Int {
        queue.sync {}
        return startedCount.load(ordering: .relaxed)
    }

    /// The writer of standard error (one per process, shared by every handler writing there).
    static let standardError = LogWriteback(fileDescriptor: STDERR_FILENO)

    /// `SYNC_FILE_RANGE_WRITE` (linux/fs.h; Glibc's module does not export the constant).
    private static let syncFileRangeWrite: UInt32 = 2

    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    /// glibc's `sync_file_range`, looked up at run time (Glibc's module does not export it).
    private static let syncFileRange: SyncFileRange? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
    }()
}
