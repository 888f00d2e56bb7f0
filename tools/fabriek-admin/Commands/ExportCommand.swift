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
        buffer.reserveCapacity(1 << 21)
        var k = 0
        var progress = Progress(label: "export", total: last, enabled: progressOption.show)
        // Each event's `data` is rendered on both cores (the log's replay pipeline decodes
        // ahead); this thread writes the lines around it, in order, into one reused buffer.
        try log.forEachEvent(from: 1, through: last, decodedBy: { ExportLineWriter.renderData($0) }) { e, data in
            while ranges[k].upperBound < e.position { k += 1 }
            ExportLineWriter.append(e, data: data, commit: ranges[k].lowerBound, to: &buffer)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try Self.write(buffer, to: handle, file: file)
                buffer.removeAll(keepingCapacity: true)
                progress.update(e.position)
            }
        }
        try Self.write(buffer, to: handle, file: file)
        progress.update(last)
        progress.finish()
        if file != "-" {
            try handle.synchronize()
            try handle.close()
            let digest = last == head.position ? head.description : "\(last)"
            printError("exported \(last) events in \(ranges.count) commits to \(file) (up to \(digest))")
        }
    }

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
