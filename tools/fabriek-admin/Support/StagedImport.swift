import Dispatch
import EventLog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An import into an empty log, written while it is checked: the commits go, as each one's
/// lines have passed every check, to a staging log beside the data directory's
/// (`DIR/import-PID.log`, written by the same engine from the same empty state, so the same
/// bytes and chain hashes), and the staging log becomes the data directory's only when the
/// last line has passed (`install`). A bad line anywhere, or a failed write, removes the
/// staging log (`discard`): the data directory's log was never touched. So the writer (LZ4,
/// SHA-256, the writes) runs beside the checks instead of in a second pass after them, and no
/// spool is written or read back.
///
/// Commits are handed to the staging log's writer a chunk at a time (`appendCommits`); while
/// it stores one chunk the caller checks the lines of the next, and a chunk waits for the one
/// before it (memory: two chunks of commits).
final class StagedImport {
    let path: String
    let file: String
    private let log: EventLog
    private var chunk: [ImportSpool.Group] = []
    private var chunkCommits: [[StreamAppend]] = []
    private var chunkEvents = 0
    private final class InFlight: @unchecked Sendable {
        let groups: [ImportSpool.Group]
        let carries: [Bool]
        let done = DispatchSemaphore(value: 0)
        var outcome: Result<[Result<AppendResult, any Error>], any Error> = .success([])
        init(groups: [ImportSpool.Group], carries: [Bool]) {
            self.groups = groups
            self.carries = carries
        }
    }
    private var inFlight: InFlight?
    private var chunkCarries: [Bool] = []
    /// Events of the file stored, commits formed, `ImportViolationsAccepted` records written.
    private(set) var written = 0, commits = 0, records = 0
    private var closed = false

    static let chunkEvents = 2048
    /// Events the staging log's writer indexes in memory between its index checkpoints: an
    /// eighth of the log's default, so the writer's share of an import's memory stays small
    /// at any size of file (its in-memory index, and the copy-on-write copy of it that a
    /// checkpoint holds, were ~40-60 MB of the 10M import's peak at 500,000).
    static let indexCheckpointEvents = 250_000

    /// Creates the staging log `directory/import-PID.log` (a stale one of this process id is
    /// removed first). - Throws: `AdminError` when it cannot be created.
    init(directory: String, file: String) throws {
        path = directory + "/import-\(getpid()).log"
        self.file = file
        try? FileManager.default.removeItem(atPath: path)
        do {
            var options = EventLog.Options(durability: .none, verifyInBackground: false)
            options.indexCheckpointEvents = Self.indexCheckpointEvents
            options.keepIndexFilesResident = false
            log = try EventLog.open(directory: path, options: options)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw AdminError(AdminError(mapping: error)?.code ?? .failure,
                             "cannot create the staging log \(path): \(error); check that \(directory) is writable; nothing was imported")
        }
    }

    deinit {
        if !closed { discard() }
    }

    /// Queues one commit: `group`'s entries, then `record` (its accepted violations) when given.
    func add(_ group: ImportSpool.Group, record: StreamAppend?) throws {
        var appends = group.entries.map { StreamAppend(stream: $0.stream, expectedVersion: $0.expected, events: [$0.event]) }
        if let record { appends.append(record) }
        chunk.append(group)
        chunkCommits.append(appends)
        chunkCarries.append(record != nil)
        chunkEvents += group.entries.count
        if chunkEvents >= Self.chunkEvents { try send() }
    }

    /// Hands the queued commits to the writer, after the chunk before them was stored whole.
    private func send() throws {
        guard !chunk.isEmpty else { return }
        try settle()
        let sending = InFlight(groups: chunk, carries: chunkCarries)
        let commits = chunkCommits
        let log = self.log
        chunk = []
        chunkCommits = []
        chunkCarries = []
        chunkEvents = 0
        inFlight = sending
        Task.detached {
            do {
                sending.outcome = .success(try await log.appendCommits(commits, checked: true))
            } catch {
                sending.outcome = .failure(error)
            }
            sending.done.signal()
        }
    }

    /// Chunks stored since the staging log's written pages were last dropped.
    private var chunksSinceDrop = 0

    /// Waits for the chunk in flight; throws naming the line of a refused or failed commit.
    private func settle() throws {
        guard let sent = inFlight else { return }
        inFlight = nil
        sent.done.wait()
        // The staging log's segments are mapped: the pages written stay resident in this
        // process (~60 bytes an event) unless dropped. Nothing is in flight now, and the file
        // keeps them (the page cache writes them back).
        chunksSinceDrop += 1
        if chunksSinceDrop >= 64 {
            chunksSinceDrop = 0
            log.dropResidentSegmentPages()
        }
        let results = try sent.outcome.get()
        for ((group, outcome), record) in zip(zip(sent.groups, results), sent.carries) {
            switch outcome {
            case .success(let result) where !result.wasAlreadyStored:
                written += group.entries.count
                commits += 1
                if record { records += 1 }
            case .success:
                // The staging log was empty and the checks skip ids given before: not expected.
                throw AdminError.failure("\(file):\(group.firstLine): the staging log \(path) already held the commit of lines \(group.firstLine)-\(group.lastLine); nothing was imported (run the import again)")
            case .failure(let error):
                let line = ImportCommand.line(for: error, in: group)
                throw AdminError(AdminError(mapping: error)?.code ?? .failure,
                                 "\(file):\(line): \(error); nothing was imported (fix the line and run the import again)")
            }
        }
    }

    /// Stores what is queued and waits for it; then closes the staging log (durable, with its
    /// derived index files). Returns its head and what it could not save of its derived files
    /// (warnings: the next open rebuilds them).
    func finish() throws -> (head: LogHead, problems: [String]) {
        try send()
        try settle()
        let head = log.head()
        closed = true
        let problems: [String]
        do {
            problems = try log.closeWithReport().problems
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw AdminError(AdminError(mapping: error)?.code ?? .failure,
                             "\(file): the staging log \(path) could not be made durable: \(error); nothing was imported (free space and run the import again)")
        }
        return (head, problems)
    }

    /// Makes the closed staging log the log at `logPath` (whose writer the caller holds, and
    /// which holds no event): its `segments` directory is renamed away, the staging log's put
    /// in its place (one rename: the log holds all of the import or none of it), then the
    /// derived `index` directory likewise (a failure there costs only a rebuild at the next
    /// open). The staging directory is removed.
    /// - Throws: `AdminError` when the segments could not be put in place (nothing imported).
    func install(into logPath: String) throws -> [String] {
        var warnings: [String] = []
        defer { try? FileManager.default.removeItem(atPath: path) }
        let segments = logPath + "/segments", replaced = path + "/replaced-segments"
        guard rename(segments, replaced) == 0 else {
            throw AdminError.failure("\(file): cannot move the empty log's segments aside (rename \(segments): \(String(cString: strerror(errno)))); nothing was imported (run the import again)")
        }
        guard rename(path + "/segments", segments) == 0 else {
            let reason = String(cString: strerror(errno))
            // Put the empty log back; without it the log still holds nothing (open recreates it).
            _ = rename(replaced, segments)
            throw AdminError.failure("\(file): cannot move the imported segments into \(segments) (rename: \(reason)); nothing was imported (run the import again)")
        }
        let index = logPath + "/index", replacedIndex = path + "/replaced-index"
        if !FileManager.default.fileExists(atPath: index) || rename(index, replacedIndex) == 0 {
            if rename(path + "/index", index) != 0 {
                warnings.append("the log's derived index files were not moved into \(index) (\(String(cString: strerror(errno)))); the next open rebuilds them")
            }
        } else {
            warnings.append("the log's derived index files were not replaced (\(String(cString: strerror(errno)))); the next open rebuilds them")
        }
        let fd = open(logPath, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            if fsync(fd) != 0 {
                warnings.append("the directory \(logPath) could not be synced (\(String(cString: strerror(errno)))): the import may not survive a crash")
            }
            close(fd)
        }
        return warnings
    }

    /// Removes the staging log (after a bad line or a failed write): nothing was imported.
    func discard() {
        if let sent = inFlight {
            sent.done.wait()
            inFlight = nil
        }
        try? FileManager.default.removeItem(atPath: path)
        if !closed {
            closed = true
            _ = try? log.closeWithReport()
        }
    }
}
