import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What writes or removes the index files of an open log, serialised: a checkpoint on its
/// thread, the rebuild of a stream index found damaged, the writer dropping an event-id index
/// found wrong, and close. Also counts the replacements that make a checkpoint taken before
/// them stale: a checkpoint writes its file only while its epoch is current (under `lock`), and
/// the writer adopts it only then, so a file derived from an index found wrong is never saved
/// after that index was dropped.
final class IndexFiles: Sendable {
    /// Held while an index file is written or removed.
    let lock = Mutex(())
    /// Bumped, under the state lock, when the stream index is replaced by a rebuild.
    let streamsEpoch = Atomic<UInt64>(0)
    /// Bumped when the writer drops its event-id index as wrong.
    let idsEpoch = Atomic<UInt64>(0)
    /// The last checkpoint started, while the writer holds it (tests wait for it).
    let latest = Mutex(Latest())

    struct Latest: @unchecked Sendable {
        weak var checkpoint: IndexCheckpoint?
    }
}

/// One checkpoint of the index files, written on a thread of its own from copies of the
/// writer's indexes (value types: the copies stay as they were while the writer goes on), so
/// that a commit never waits for it: merging and writing the files of a 10M-event log takes
/// about a second. The writer adopts the files it wrote at the end of a later commit
/// (`LogWriter.checkpointIndexIfLarge`); `cancel` stops it at its next step (close then writes
/// the files itself).
///
/// Crash safety is that of every index file: each is written to a temporary file, made durable
/// and renamed over the old one, so a crash leaves the old file or the new one, and either is
/// derived data checked at open against the log.
final class IndexCheckpoint: @unchecked Sendable {
    struct Streams: Sendable {
        /// Released once written.
        var index: StreamIndex
        var head: LogHead
        var epoch: UInt64
        /// What the copy of the index held: its file's coverage, its in-memory events.
        let fileCoverage: UInt64
        let inMemoryEvents: Int

        init(index: StreamIndex, head: LogHead, epoch: UInt64) {
            self.index = index
            self.head = head
            self.epoch = epoch
            fileCoverage = index.coveredPosition
            inMemoryEvents = index.inMemoryEvents
        }
    }

    struct IDs: Sendable {
        /// `file` and `fingerprints` are released once written.
        var file: EventIDIndexFile?
        var base: UInt64
        var fingerprints: [UInt32]
        var head: LogHead
        var epoch: UInt64
        /// `EventIDIndex.generation` when copied.
        var generation: UInt64
    }

    private(set) var streams: Streams?
    private(set) var ids: IDs?
    /// Set by the checkpoint's thread before `isDone`: the files written and mapped (nil when
    /// not written: cancelled, stale, or a write failed).
    private(set) var streamsFile: StreamIndexFile?
    private(set) var idsFile: EventIDIndexFile?
    private let cancelled = Atomic<Bool>(false)
    private let done = Atomic<Bool>(false)
    private let finished = NSCondition()

    /// Whether the writer keeps the index files' pages resident (otherwise the old files'
    /// pages read by the merge are dropped as it goes).
    private let keepsFilesResident: Bool

    init(streams: Streams?, ids: IDs?, keepsFilesResident: Bool = true) {
        self.streams = streams
        self.ids = ids
        self.keepsFilesResident = keepsFilesResident
    }

    /// True once the thread has finished (its files, if any, may then be read).
    var isDone: Bool { done.load(ordering: .acquiring) }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Waits until the thread has finished.
    func wait() {
        finished.lock()
        while !isDone { finished.wait() }
        finished.unlock()
    }

    func start(files: IndexFiles, streamsPath: String, idsPath: String, directory: String) {
        files.latest.withLock { $0.checkpoint = self }
        let thread = Thread { [self] in
            #if os(Linux)
            // In the background indeed, like the open's chain check: on Linux the nice value is
            // per thread, so this thread yields the CPU to the writer, readers and everything
            // else (a checkpoint can wait; the files it saves are derived data).
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
            #endif
            run(files: files, streamsPath: streamsPath, idsPath: idsPath, directory: directory)
            finished.lock()
            done.store(true, ordering: .releasing)
            finished.broadcast()
            finished.unlock()
        }
        thread.name = "fabriek-index-checkpoint"
        thread.start()
    }

    private func run(files: IndexFiles, streamsPath: String, idsPath: String, directory: String) {
        let isCancelled = { self.cancelled.load(ordering: .relaxed) }
        // Derived data: a failure leaves the index in memory, nothing more. Each file is written
        // straight to its temporary file (bounded memory, the old file's pages dropped as they
        // are read unless the files are kept resident), then renamed under the files' lock.
        let drops = !keepsFilesResident
        if let streams {
            streamsFile = save(to: streamsPath, directory: directory, files: files,
                               isCurrent: { files.streamsEpoch.load(ordering: .relaxed) == streams.epoch },
                               open: { path throws(LogError) in try StreamIndexFile.open(path: path, resident: !drops) }) { fd, tmp throws(LogError) in
                try StreamIndexFile.write(streams.index, covered: streams.head, fd: fd, path: tmp,
                                          dropsOldPages: drops, isCancelled: isCancelled)
            }
        }
        if let ids, !isCancelled() {
            idsFile = save(to: idsPath, directory: directory, files: files,
                           isCurrent: { files.idsEpoch.load(ordering: .relaxed) == ids.epoch },
                           open: { path throws(LogError) in try EventIDIndexFile.open(path: path, resident: !drops) }) { fd, tmp throws(LogError) in
                try EventIDIndexFile.write(file: ids.file, base: ids.base, fingerprints: ids.fingerprints, covered: ids.head,
                                           fd: fd, path: tmp, dropsOldPages: drops, isCancelled: isCancelled)
            }
        }
        // The copies can be large (~100 MB at 10M events): not kept until the writer adopts.
        streams?.index = StreamIndex(file: nil)
        ids?.file = nil
        ids?.fingerprints = []
    }

    /// Writes the file at `path` through `write` (to a temporary file, made durable), then,
    /// under the files' lock, renames it over `path` and maps it, unless the checkpoint was
    /// cancelled or the index it was made from was replaced (`isCurrent` false); nil then, or
    /// when the write fails. Only a checkpoint or close (which waits for the checkpoint
    /// first) writes the temporary file.
    private func save<File>(to path: String, directory: String, files: IndexFiles,
                            isCurrent: () -> Bool, open: (String) throws -> File?,
                            write: (Int32, String) throws(LogError) -> Void) -> File? {
        guard let tmp = try? FileIO.writeTemporary(path, write: write) else { return nil }
        return files.lock.withLock { _ -> File? in
            guard !cancelled.load(ordering: .relaxed), isCurrent() else {
                unlink(tmp)
                return nil
            }
            do {
                try FileIO.renameDurably(tmp, to: path, directory: directory)
                return try open(path)
            } catch {
                return nil
            }
        }
    }
}
