import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The append-only event log: the single source of truth.
///
/// A log lives in a directory of segment files (see FORMAT.md). One process at a time may open
/// it for writing (a lock file enforces this); any number may open it read-only. All methods are
/// thread-safe. Appends from concurrent callers are group-committed: one write and one
/// `fdatasync` for all of them, and each call returns only once its events are durable.
///
/// ```swift
/// let log = try EventLog.open(directory: "data/log")
/// let result = try await log.append(stream: "member-42", expectedVersion: .noStream,
///                                   events: [ProposedEvent(type: "MemberRegistered", payload: bytes)])
/// for try await event in log.subscribe(after: 0) { ... }
/// try log.close()
/// ```
public final class EventLog: Sendable {
    /// When an append counts as done.
    public enum Durability: Sendable {
        /// Return only once the commit is on stable storage (`fdatasync`). The default.
        case fsync
        /// NOT durable: return once the commit is written to the OS. A crash may lose recent
        /// commits (never corrupt older ones). Only for bulk imports and benchmarks.
        case none
    }

    public struct Options: Sendable {
        /// Size at which a new segment is started (a single commit may exceed it).
        public var segmentSize: Int
        public var durability: Durability
        /// Open without the writer lock: appends throw `.readOnly`, a torn tail is ignored, not cut.
        public var readOnly: Bool
        /// The source of recorded-at times (injected for deterministic tests).
        public var clock: @Sendable () -> Timestamp

        public init(segmentSize: Int = 128 << 20, durability: Durability = .fsync, readOnly: Bool = false,
                    clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
            self.segmentSize = segmentSize
            self.durability = durability
            self.readOnly = readOnly
            self.clock = clock
        }
    }

    public let directory: String
    let options: Options
    let state: Mutex<LogState>
    let writer: LogWriter?
    let lockFD: Int32

    var segmentsDirectory: String { directory + "/segments" }
    var indexDirectory: String { directory + "/index" }
    var indexPath: String { indexDirectory + "/streams.idx" }

    /// Opens (creating if needed) the log in `directory`, recovering from a torn tail.
    ///
    /// - Throws: `LogError.locked` when another process writes to it, `.corruptBatch` /
    ///   `.corruptSegment` when damage is found before the tail, `.io` for file errors.
    public static func open(directory: String, options: Options = Options()) throws -> EventLog {
        try EventLog(directory: directory, options: options)
    }

    private init(directory: String, options: Options) throws {
        let dir = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.directory = dir
        self.options = options
        if !options.readOnly {
            try FileIO.makeDirectory(dir)
            try FileIO.makeDirectory(dir + "/segments")
            try FileIO.makeDirectory(dir + "/index")
            let fd = try FileIO.open(dir + "/LOCK", O_RDWR | O_CREAT)
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                Glibc.close(fd)
                throw LogError.locked(directory: dir)
            }
            lockFD = fd
        } else {
            guard FileIO.exists(dir + "/segments") else {
                throw LogError.io(operation: "open", path: dir + "/segments", errno: ENOENT)
            }
            lockFD = -1
        }
        do {
            let recovered = try Recovery.run(directory: dir, options: options)
            state = Mutex(recovered.state)
            writer = options.readOnly ? nil : try LogWriter(recovered: recovered, options: options)
        } catch {
            if lockFD >= 0 { Glibc.close(lockFD) }
            throw error
        }
        writer?.start(log: self)
    }

    deinit {
        writer?.stop()
        if lockFD >= 0 { Glibc.close(lockFD) }
    }

    /// The position of the last committed event and the chain hash after it.
    public func head() -> LogHead {
        state.withLock { $0.head }
    }

    /// Stops accepting appends (after those already queued), persists the stream index, and
    /// releases the writer lock. Reads after `close` throw `.closed`.
    public func close() throws {
        writer?.stop()
        let (snapshot, waiters) = state.withLock { s -> ((StreamIndex, LogHead, Bool)?, [CheckedContinuation<Void, Never>]) in
            let waiters = Array(s.waiters.values)
            s.waiters = [:]
            if s.closed { return (nil, waiters) }
            s.closed = true
            let persist = (s.index.inMemoryEvents > 0 || s.index.file == nil) && s.failure == nil
            return ((s.index, s.head, persist), waiters)
        }
        for w in waiters { w.resume() }
        guard let (index, head, persist) = snapshot else { return }
        // The lock goes even when persisting the (derived) index fails.
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN) } }
        if !options.readOnly && persist && head.position > 0 {
            try StreamIndexFile.write(index, covered: head, path: indexPath, directory: indexDirectory)
        }
    }
}

/// The committed view of the log, shared by readers and the writer under one lock. Only the
/// writer thread changes it, and only after a commit is durable.
struct LogState: Sendable {
    var head: LogHead
    var lastRecordedAt: Int64
    var segments: [MappedSegment]
    /// Committed length of each segment; nothing beyond is read.
    var segmentLengths: [Int]
    var batches: [BatchRef]
    var blocks: [BlockRef]
    var index: StreamIndex
    var closed = false
    /// Set when a write could not be confirmed; the writer accepts nothing after it.
    var failure: LogError?
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var cancelledWaiters: Set<Int> = []
    var nextWaiterID = 0

    func checkOpen() throws(LogError) {
        if closed { throw .closed }
    }
}
