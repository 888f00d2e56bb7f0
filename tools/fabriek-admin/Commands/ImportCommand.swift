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
        var refused: AdminError?
        for batch in input.batches {
            let appends = batch.lines.map { StreamAppend(stream: $0.stream, expectedVersion: $0.expected, events: [$0.event]) }
            let result: AppendResult
            do {
                result = try await log.append(appends)
            } catch {
                // A refused or failed commit leaves nothing of itself in the log (the writer cuts
                // a failed write back); the commits before it stay.
                let line = Self.line(for: error, in: batch)
                refused = AdminError(AdminError(mapping: error)?.code ?? .failure,
                                     "\(file):\(line): \(error); nothing from lines \(batch.firstLine)-\(batch.lastLine) was stored, the \(written) events before them were (run the import again after fixing: stored events are skipped)")
                break
            }
            if result.wasAlreadyStored { skipped += batch.lines.count } else { written += batch.lines.count; commits += 1 }
            done += UInt64(batch.lines.count)
            progress.update(done)
        }
        progress.finish()
        // The commits were written with Durability.none: closing makes them durable, then saves
        // the derived files (whose failure costs only a longer next open).
        let head = log.head()
        do {
            for problem in try log.closeWithReport().problems { printError("warning: \(problem)") }
        } catch {
            let unsynced = "the \(written) events this import appended (head \(head)) were written but could not be made durable: \(error)"
            if let refused { throw AdminError(refused.code, refused.message + "; moreover " + unsynced) }
            throw AdminError.failure("\(file): \(unsynced)")
        }
        if let refused { throw refused }
        let seconds = Date().timeIntervalSince(started)
        print("imported \(written) events in \(commits) commits (\(skipped) already stored) in \(String(format: "%.1f", seconds)) s; head \(head)")
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
