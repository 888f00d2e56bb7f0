import ArgumentParser
import EventLog
import Events
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `export [lines] FILE.jsonl [--until N]`: every event as a JSON line that `import` reads back.
struct ExportLinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lines",
        abstract: "Write events as JSON lines (stream, type, data, version, id, metadata, recordedAt, schemaVersion, commit).",
        discussion: """
            Personal fields stay sealed (the keys are not exported; copy keys.sqlite and master.key \
            to read them). Importing the file into an empty data directory reproduces the same \
            events, positions, times and chain hashes: 'log head' prints the same line.             'export ocds FILE' writes the published jobs as an OCDS release package instead.
            """,
        subcommands: [ExportOCDSCommand.self])

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: ArgumentHelp("The file to write ('-' for standard output).", valueName: "FILE.jsonl"))
    var file: String

    @OptionGroup var progressOption: ProgressOption

    @Option(help: "Export up to this position (the end of a commit, at most the head; default: the head).")
    var until: UInt64?

    @Flag(help: "Read a damaged log without opening it: export every commit that still verifies, and say which positions could not be recovered and why (exit 4 when any were lost). Writes nothing in the data directory.")
    var salvage = false

    func validate() throws {
        if salvage && until != nil { throw ValidationError("--salvage exports everything it can read; leave --until out") }
    }

    func run() throws {
        if salvage { return try runSalvage() }
        let log = try dataOptions.directory.openReadOnly()
        defer { try? log.close() }
        let head = log.head()
        if let until, until > head.position {
            throw AdminError.usage("--until \(until) is past the log's head (\(head.position)); give a position up to \(head.position), or leave --until out to export everything")
        }
        let last = until ?? head.position
        let ranges = log.commitRanges(from: 1, through: last)
        if let end = ranges.last, end.upperBound != last {
            throw AdminError.usage("--until \(last) falls inside the commit of positions \(end.lowerBound)...\(end.upperBound); use \(end.lowerBound - 1) or \(end.upperBound)")
        }
        let handle: FileHandle
        if file == "-" {
            handle = .standardOutput
        } else {
            guard FileManager.default.createFile(atPath: file, contents: nil) else {
                throw AdminError.failure("cannot create \(file); check that its directory exists and is writable")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.writeSize + (1 << 20))
        // Full buffers are written on another thread while this one fills the next (the copy
        // into the page cache costs about a tenth of the export).
        let writer = BackgroundWriter(fd: handle.fileDescriptor, file: file)
        var k = 0
        var progress = Progress(label: "export", total: last, enabled: progressOption.show)
        // A file is made durable at the end; its pages are flushed in the background as the
        // export goes, so that the last sync waits only for the tail.
        let flusher = file == "-" ? nil : BackgroundFlush(fd: handle.fileDescriptor, every: 64 << 20)
        // Each event's `data` is rendered on both cores (the log's replay pipeline decodes
        // ahead); this thread writes the lines around it, in order, into one reused buffer.
        try log.forEachEvent(from: 1, through: last, decodedBy: { ExportLineWriter.renderData($0) }) { e, data in
            while ranges[k].upperBound < e.position { k += 1 }
            ExportLineWriter.append(e, data: data, commit: ranges[k].lowerBound, to: &buffer)
            buffer.append(0x0A)
            if buffer.count >= Self.writeSize {
                flusher?.wrote(buffer.count)
                try writer.write(&buffer)
                progress.update(e.position)
            }
        }
        try writer.write(&buffer)
        try writer.finish()
        progress.update(last)
        progress.finish()
        if file != "-" {
            if let failure = flusher?.finish() {
                throw AdminError.failure("cannot write \(file): \(failure); the export is incomplete (free space and run it again)")
            }
            try handle.synchronize()
            try handle.close()
            let digest = last == head.position ? head.description : "\(last)"
            printError("exported \(last) events in \(ranges.count) commits to \(file) (up to \(digest))")
        }
    }

    /// Bytes of lines handed to the file at a time.
    static let writeSize = 4 << 20

    /// Writes `bytes` whole to `handle`'s descriptor (no `Data` copy).
    /// - Throws: `AdminError` naming the file when the write fails (e.g. the disk is full).
    static func write(_ bytes: [UInt8], to handle: FileHandle, file: String) throws {
        var done = 0
        let fd = handle.fileDescriptor
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AdminError.failure("cannot write \(file): \(String(cString: strerror(errno))); the export is incomplete (free space and run it again)")
            }
            done += n
        }
    }
}

/// Writes buffers to a file descriptor on a thread of its own, one at a time and in order, so
/// that the caller fills the next buffer meanwhile: `write` hands over the caller's buffer and
/// gives it back an empty one of the same capacity (after the write before it has ended). A
/// failed write is thrown by the next `write` or by `finish`.
final class BackgroundWriter: @unchecked Sendable {
    private let fd: Int32
    private let file: String
    private let queue = DispatchQueue(label: "export-writer")
    private let idle = DispatchSemaphore(value: 1)
    private var spare: [UInt8] = []
    private var failure: String?

    init(fd: Int32, file: String) {
        self.fd = fd
        self.file = file
    }

    /// Queues `buffer`'s bytes; `buffer` comes back empty.
    func write(_ buffer: inout [UInt8]) throws {
        idle.wait()
        if let failure {
            idle.signal()
            throw AdminError.failure("cannot write \(file): \(failure); the export is incomplete (free space and run it again)")
        }
        var bytes = spare
        spare = []  // `bytes` alone holds its storage: emptied in place, not reallocated
        bytes.removeAll(keepingCapacity: true)
        swap(&bytes, &buffer)
        if buffer.capacity < bytes.capacity { buffer.reserveCapacity(bytes.capacity) }
        queue.async { [self, bytes] in
            var done = 0
            while done < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    break
                }
                done += n
            }
            spare = bytes
            idle.signal()
        }
    }

    /// Waits for the last write. - Throws: `AdminError` when a write failed.
    func finish() throws {
        idle.wait()
        defer { idle.signal() }
        if let failure {
            throw AdminError.failure("cannot write \(file): \(failure); the export is incomplete (free space and run it again)")
        }
    }
}

/// Flushes a file being written (`fdatasync`) on another thread each time `every` more bytes
/// were written, one flush at a time, so the writer never waits for the disk until `finish`.
/// A failed flush is kept and returned by `finish` (the kernel reports a write-back error to
/// one sync only).
final class BackgroundFlush: @unchecked Sendable {
    private let fd: Int32
    private let every: Int
    private var unflushed = 0
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var running = false
    private var failure: String?

    init(fd: Int32, every: Int) {
        self.fd = fd
        self.every = every
    }

    /// Counts `bytes` written; starts a flush when `every` bytes are waiting and none runs.
    func wrote(_ bytes: Int) {
        unflushed += bytes
        guard unflushed >= every else { return }
        lock.lock()
        let busy = running
        if !busy { running = true }
        lock.unlock()
        guard !busy else { return }
        unflushed = 0
        group.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            let failed = fdatasync(fd) != 0 ? String(cString: strerror(errno)) : nil
            lock.lock()
            if let failed, failure == nil { failure = failed }
            running = false
            lock.unlock()
            group.leave()
        }
    }

    /// Waits for the flush in progress; returns the first failure, nil when none failed.
    func finish() -> String? {
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return failure
    }
}
