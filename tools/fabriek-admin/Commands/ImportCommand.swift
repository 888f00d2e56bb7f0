import ArgumentParser
import EventLog
import Events
import Foundation

/// `import FILE.jsonl`: append the events of a JSON-lines file, in bulk commits.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append events from JSON lines ({\"stream\", \"type\", \"data\", \"version\"?, \"id\"?, \"metadata\"?}).",
        discussion: """
            Every line is parsed and checked first: a bad line stops the import before anything is \
            written, naming its line number. "version" (the event's 1-based stream version) is \
            checked as the expected version; "id" makes the event idempotent, so importing the same \
            file twice changes nothing. Lines of one "commit" (as 'export' writes them) are appended \
            in one commit with their "recordedAt", reproducing the original log. Takes the writer \
            lock (exit 3 when the server runs).
            """)

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: ArgumentHelp("The file to read.", valueName: "FILE.jsonl"))
    var file: String

    func run() async throws {
        let dir = dataOptions.directory
        let started = Date()
        let input = try ImportFile(path: file, vault: { try dir.vault() })
        let log = try dir.openWriter(durability: .none)
        var written = 0, skipped = 0, commits = 0
        var progress = Progress(label: "import", total: UInt64(input.events))
        var done: UInt64 = 0
        do {
            for batch in input.batches {
                let appends = batch.lines.map { StreamAppend(stream: $0.stream, expectedVersion: $0.expected, events: [$0.event]) }
                let result: AppendResult
                do {
                    result = try await log.append(appends)
                } catch {
                    let line = Self.line(for: error, in: batch)
                    throw AdminError(AdminError(mapping: error)?.code ?? .failure,
                                     "\(file):\(line): \(error); nothing from lines \(batch.firstLine)-\(batch.lastLine) was written, \(written) events before them were (run the import again after fixing: stored events are skipped)")
                }
                if result.wasAlreadyStored { skipped += batch.lines.count } else { written += batch.lines.count; commits += 1 }
                done += UInt64(batch.lines.count)
                progress.update(done)
            }
        } catch {
            try? log.close()
            Self.syncSegments(dir.logPath)
            progress.finish()
            throw error
        }
        try log.close()
        Self.syncSegments(dir.logPath)
        progress.finish()
        let head = try dir.openReadOnly()
        defer { try? head.close() }
        let seconds = Date().timeIntervalSince(started)
        print("imported \(written) events in \(commits) commits (\(skipped) already stored) in \(String(format: "%.1f", seconds)) s; head \(head.head())")
    }

    /// The line a refused append points at: the stream or event the error names, else the first.
    static func line(for error: any Error, in batch: ImportFile.Batch) -> Int {
        if let e = error as? LogError {
            switch e {
            case let .wrongExpectedVersion(stream, _, actual):
                return batch.lines.first { $0.stream == stream && $0.expected != .any && $0.expected.number != actual }?.number
                    ?? batch.lines.first { $0.stream == stream }?.number ?? batch.firstLine
            case let .partiallyStored(id, _), let .duplicateEventInAppend(id):
                return batch.lines.first { $0.event.id.uuidString == id }?.number ?? batch.firstLine
            case let .recordedAtGoesBackwards(given, _):
                return batch.lines.first { $0.event.recordedAt == given }?.number ?? batch.firstLine
            default: break
            }
        }
        return batch.firstLine
    }

    /// Makes the bulk (durability `.none`) commits durable: fsync every segment and the directory.
    static func syncSegments(_ logPath: String) {
        let segments = logPath + "/segments"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: segments)) ?? [] {
            let fd = open(segments + "/" + name, O_RDONLY)
            if fd >= 0 { fsync(fd); close(fd) }
        }
        let fd = open(segments, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

extension ExpectedVersion {
    /// The version an exact expectation names (0 for `.noStream`).
    var number: UInt64? {
        switch self {
        case .any: return nil
        case .noStream: return 0
        case .exact(let v): return v
        }
    }
}
