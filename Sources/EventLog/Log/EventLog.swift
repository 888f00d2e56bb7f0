import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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

        /// Writable opens check the whole hash chain and the stream index on a thread of their
        /// own (see `EventLog.openVerification`). On by default; benchmarks that measure other
        /// work turn it off.
        public var verifyInBackground: Bool

        /// Events the writer indexes only in memory before it saves the stream index and the
        /// event-id index files (a checkpoint): fewer bound the writer's memory more tightly
        /// (a bulk import's staging log) at the cost of more checkpoints; tests lower it.
        public var indexCheckpointEvents = LogWriter.indexCheckpointEvents

        /// Whether the index files a checkpoint wrote stay resident in this process once
        /// adopted (checking their checksums reads them whole). True by default: lookups then
        /// cost no page fault. A writer whose appends look nothing up (a bulk import's staging
        /// log, `appendCommits(_:checked:)`) drops them: its memory then does not grow with them.
        public var keepIndexFilesResident = true

        /// Whether the segments a long scan (`forEachEvent` over more than 20,000 events) has
        /// read past stay resident in this process. True by default: a scan repeated (a
        /// benchmark's replays) then costs no page fault. A tool that reads a large log once
        /// (the admin's export, import and audit) drops them as it goes: its memory then does
        /// not grow with the log (the pages stay in the page cache).
        public var keepScannedSegmentsResident = true

        public init(segmentSize: Int = 128 << 20, durability: Durability = .fsync, readOnly: Bool = false,
                    clock: @escaping @Sendable () -> Timestamp = Timestamp.now, verifyInBackground: Bool = true) {
            self.segmentSize = segmentSize
            self.durability = durability
            self.readOnly = readOnly
            self.clock = clock
            self.verifyInBackground = verifyInBackground
        }
    }

    public let directory: String
    /// What this open found after the last whole record of the log (and, writable, cut to a
    /// quarantine file). Print it when it is not empty: nothing is cut silently.
    public let recovery: RecoveryReport
    let options: Options
    let state: Mutex<LogState>
    let writer: LogWriter?
    let lockFD: Int32
    /// The head the stream index file recorded (covered position and the chain hash there, as
    /// the writer that saved it computed it), as found at open: `verify` checks the hash there.
    let indexedHead: LogHead?
    /// The chain check started by a writable open (see `openVerification`).
    let backgroundCheck: BackgroundVerification?
    /// The segment appends went to at open: `close` makes every segment from it on durable.
    let firstWrittenSegment: Int
    /// Serialises the writes of the index files (see `IndexCheckpoint`).
    let indexFiles = IndexFiles()

    var segmentsDirectory: String { directory + "/segments" }
    var indexDirectory: String { directory + "/index" }
    var indexPath: String { indexDirectory + "/streams.idx" }
    var idIndexPath: String { indexDirectory + "/ids.idx" }

    /// Opens (creating if needed) the log in `directory`, recovering from a torn tail.
    ///
    /// A torn tail (the bytes of a commit that never became durable) is cut to a quarantine file
    /// beside its segment and described in `recovery`; a read-only open leaves it in place and
    /// describes it there too. A writable open then rechecks the chain from the head the stream
    /// index file recorded (the last close, or a checkpoint) to the head, and starts checking the
    /// whole chain and the stream index in the background (see `openVerification`).
    ///
    /// - Throws: `LogError.locked` when another process writes to it, `.corruptBatch` /
    ///   `.corruptSegment` when damage is found (a whole commit that fails its checksum, even the
    ///   last one, or a commit changed since the stream index recorded its hash), `.io` /
    ///   `.diskFull` for file errors.
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
                FileIO.close(fd)
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
            let indexed: LogHead?
            switch recovered.indexedHead {
            case .none:
                indexed = nil
            case .matches(let head):
                indexed = head
                if !options.readOnly { try ChainCheck.sinceIndexed(head, state: recovered.state) }
            case .differs(let head):
                indexed = head
                if !options.readOnly { throw ChainCheck.changedSinceIndexed(head, state: recovered.state) }
            case .beyondHead:
                // The log lost its end since the file was saved (a torn tail, reported above):
                // the file describes commits the log no longer holds.
                indexed = nil
                if !options.readOnly { unlink(dir + "/index/streams.idx") }
            }
            recovery = recovered.report
            indexedHead = indexed
            state = Mutex(recovered.state)
            firstWrittenSegment = recovered.state.segments.count - 1
            writer = options.readOnly ? nil : try LogWriter(recovered: recovered, options: options)
        } catch {
            // Unlock before closing: a child process another thread forks before its exec holds
            // a copy of the descriptor, and the lock would stay until that exec.
            if lockFD >= 0 { flock(lockFD, LOCK_UN); FileIO.close(lockFD) }
            throw error
        }
        backgroundCheck = options.readOnly || !options.verifyInBackground ? nil : BackgroundVerification()
        writer?.start(log: self)
        backgroundCheck?.start(log: self)
    }

    deinit {
        writer?.stop()
        backgroundCheck?.cancel()
        if lockFD >= 0 { flock(lockFD, LOCK_UN); FileIO.close(lockFD) }
    }

    /// The position of the last committed event and the chain hash after it.
    public func head() -> LogHead {
        state.withLock { $0.head }
    }

    /// Stops accepting appends (after those already queued), makes every commit durable,
    /// persists the stream index (with the head and its chain hash) and releases the writer lock.
    /// Reads after `close` throw `.closed`; closing twice does nothing.
    ///
    /// The index is derived data: failing to write it (disk full) does not fail the close;
    /// `closeWithReport()` says it was not saved (the next open rescans what it would have
    /// covered).
    ///
    /// - Throws: `LogError.notDurable` when commits written with `Durability.none` could not be
    ///   made durable: they were written and acknowledged, but may not survive a crash.
    public func close() throws {
        _ = try closeWithReport()
    }

    /// `close()`, returning what it could not save of the derived data (print its problems as
    /// warnings).
    public func closeWithReport() throws -> CloseReport {
        writer?.stop()
        backgroundCheck?.cancel()
        let (snapshot, waiters) = state.withLock { s -> (LogState?, [CheckedContinuation<Void, Never>]) in
            let waiters = Array(s.waiters.values)
            s.waiters = [:]
            if s.closed { return (nil, waiters) }
            s.closed = true
            return (s, waiters)
        }
        for w in waiters { w.resume() }
        guard let s = snapshot else { return CloseReport() }
        // The lock goes even when a sync or a derived file fails.
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN) } }
        guard !options.readOnly else { return CloseReport() }
        if options.durability == .none {
            try syncSegments(s)
        }
        var report = CloseReport()
        guard s.failure == nil, s.head.position > 0 else { return report }
        if s.index.inMemoryEvents > 0 || s.index.file == nil {
            do {
                try StreamIndexFile.write(s.index, covered: s.head, path: indexPath, directory: indexDirectory,
                                          dropsOldPages: !options.keepIndexFilesResident)
            } catch {
                report.problems.append("the stream index was not saved (\(error)); the next open rebuilds it from the "
                                       + "segments, and can recheck only the commits since the index last saved")
            }
        }
        // The writer thread has ended (`stop` waited for it): its id index is ours to read.
        if s.idIndexRejected { unlink(idIndexPath) }
        if let writer, !s.idIndexRejected, writer.eventIDs.isLoaded, writer.eventIDs.count == s.head.position,
           writer.eventIDs.inMemoryEvents > 0 || writer.eventIDs.file == nil {
            do {
                try EventIDIndexFile.write(file: writer.eventIDs.file, base: writer.eventIDs.base,
                                           fingerprints: writer.eventIDs.fingerprints, covered: s.head,
                                           path: idIndexPath, directory: indexDirectory,
                                           dropsOldPages: !options.keepIndexFilesResident)
            } catch {
                report.problems.append("the event-id index was not saved (\(error)); the next writer reads the ids it would "
                                       + "have held from the segments at its first append")
            }
        }
        return report
    }

    /// `fdatasync` of every segment written since open, then of the segments directory.
    private func syncSegments(_ s: LogState) throws(LogError) {
        for segment in s.segments[min(firstWrittenSegment, s.segments.count)...] {
            let fd = try FileIO.open(segment.path, O_RDONLY)
            defer { FileIO.close(fd) }
            do throws(LogError) {
                try FileIO.fdatasync(fd, path: segment.path)
            } catch {
                throw .notDurable(path: segment.path, reason: error.description, through: s.head.position)
            }
        }
        do throws(LogError) {
            try FileIO.fsyncDirectory(segmentsDirectory)
        } catch {
            throw .notDurable(path: segmentsDirectory, reason: error.description, through: s.head.position)
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
    /// Set by a check that found the event-id index file does not match the log: the writer
    /// deletes it and reloads its index from the segments before its next commit.
    var idIndexRejected = false
    var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var cancelledWaiters: Set<Int> = []
    var nextWaiterID = 0

    func checkOpen() throws(LogError) {
        if closed { throw .closed }
    }
}
