import ArgumentParser
import EventLog
import Events
import Fabriek
import Foundation

/// `import FILE.jsonl`: append the events of a JSON-lines file, in bulk commits, after checking
/// every line.
///
/// Streaming, so memory stays bounded whatever the file's size, and a bad line means nothing
/// was imported: every line is read, parsed, its payload decoded with the event catalogue,
/// recognised when the log already holds it, and checked (stream versions, recorded times, the
/// business rules: `InvariantAuditor`). Into an empty log, each commit whose lines have passed
/// is written at once to a staging log that becomes the log only after the last line
/// (`StagedImport`); into a log that holds events, the checked events go to a spool file
/// (`ImportSpool`) and a second pass appends them, a chunk of commits at a time.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Append events from JSON lines ({\"stream\", \"type\", \"data\", \"version\"?, \"id\"?, \"metadata\"?}).",
        discussion: """
            Every line is parsed and checked first: a bad line stops the import before anything is \
            written, naming its line number, the field and the rule. Payloads (\"data\", or raw \
            \"payload\" in base64 with its \"schemaVersion\") must decode with the event catalogue; \
            unknown keys are refused. "version" (the event's 1-based stream version) is checked as \
            the expected version; "id" makes the event idempotent: a line whose id is stored with \
            the same content is skipped (so a file whose first part was imported before imports \
            the rest), one whose id is stored with other content is refused; the same holds for an id \
            an earlier line of the file gives (refused naming both lines). Lines of one "commit" \
            (as 'export' writes them) are appended in one commit with their "recordedAt"; lines \
            without "commit" but with "recordedAt" commit per distinct "recordedAt"; others 1,000 \
            at a time. The events are checked against the domain's invariants as 'audit' does; a \
            violation refuses the import unless --accept-violations is given; then each commit \
            holding violating events also records, atomically with them, an \
            ImportViolationsAccepted event (stream import-{id}: the file, and per event its id, \
            stream, line, rule and reason), which 'audit' shows beside the violation. Members erased by \
            the import have their keys destroyed before it returns. Takes the writer lock (exit 3 \
            when the server runs).
            """)

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: ArgumentHelp("The file to read.", valueName: "FILE.jsonl"))
    var file: String

    @OptionGroup var progressOption: ProgressOption

    @Flag(help: "Import events that break a domain invariant (recorded as ImportViolationsAccepted in their commit; 'audit' lists them).")
    var acceptViolations = false

    func run() async throws {
        let dir = dataOptions.directory
        let started = Date()
        let reader = LineReader(path: file)
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw AdminError.failure("cannot read \(file); check the path")
        }
        let log = try dir.openWriter(durability: .none, bulk: true)
        var plan: ImportPlan
        var staging: StagedImport?
        do {
            plan = try ImportPlan(file: file, directory: dir, log: log, acceptViolations: acceptViolations,
                                  showProgress: progressOption.show)
            staging = plan.staged
            try plan.check(reader)
        } catch {
            staging?.discard()
            try? log.close()
            throw error
        }
        if let staged = plan.staged {
            try finishStaged(staged, plan: plan, log: log, started: started)
            return
        }
        guard let spool = plan.spool else { preconditionFailure("a plan has a spool or a staging log") }
        // The first pass's structures (the auditor's state of every aggregate, the id and
        // version tables) are freed: give their pages back before the writer's indexes grow.
        MallocArenas.trim()
        MallocArenas.trace("second pass starts")
        var written = 0, commits = 0, skipped = plan.stored
        let importId = plan.importId
        var records: UInt64 = 0
        var progress = Progress(label: "import", total: UInt64(spool.count), enabled: progressOption.show)
        var done: UInt64 = 0
        var refused: AdminError?
        // Commits go to the writer a chunk at a time (`appendCommits`: each its own commit, no
        // round trip per commit). Every payload was checked in the first pass with
        // `EventCatalogue.check`, what `appendChecked` would check again. A commit holding
        // accepted violations carries its `ImportViolationsAccepted` record. While the writer
        // appends one chunk, this thread reads and builds the next; a chunk is handed to the
        // writer only after the one before it was stored whole (so a failed commit is still
        // the last one attempted).
        struct Chunk {
            var groups: [ImportSpool.Group] = []
            var events = 0
        }
        var chunk = Chunk()
        var inFlight: (chunk: Chunk, carries: [Bool], task: Task<[Result<AppendResult, any Error>], any Error>)?
        func settle() async throws {
            guard let (sent, carries, task) = inFlight else { return }
            inFlight = nil
            let results = try await task.value
            for ((group, outcome), record) in zip(zip(sent.groups, results), carries) {
                let result: AppendResult
                switch outcome {
                case .success(let r): result = r
                case .failure(let error):
                    // A refused or failed commit leaves nothing of itself in the log (the writer cuts
                    // a failed write back), and the ones after it were not attempted; the commits
                    // before it stay.
                    let line = Self.line(for: error, in: group)
                    throw AdminError(AdminError(mapping: error)?.code ?? .failure,
                                     "\(file):\(line): \(error); nothing from lines \(group.firstLine)-\(group.lastLine) on was stored, the \(written) events before them were (run the import again after fixing: stored events are skipped)")
                }
                if result.wasAlreadyStored {
                    skipped += group.entries.count
                } else {
                    written += group.entries.count
                    commits += 1
                    if record { records += 1 }
                }
                done += UInt64(group.entries.count)
            }
            progress.update(done)
            // The log's segments are mapped: what the writer wrote and read (ids it compared)
            // stays resident in this process unless dropped (~1.6 GB appending 5M events to a
            // log of 5M; still ~200 MB when dropped every 16 chunks only). Nothing is in flight
            // now; the page cache keeps the pages.
            log.dropResidentSegmentPages()
        }
        // Records of the commits built so far (those in flight included): the next one's version.
        var built = records
        func send() async throws {
            guard !chunk.groups.isEmpty else { return }
            var carries: [Bool] = []
            let commitsToWrite = chunk.groups.map { group -> [StreamAppend] in
                var appends = group.entries.map { StreamAppend(stream: $0.stream, expectedVersion: $0.expected, events: [$0.event]) }
                let record = plan.acceptance(of: group, importId: importId, recorded: built)
                if let record { appends.append(record); built += 1 }
                carries.append(record != nil)
                return appends
            }
            try await settle()
            let sending = commitsToWrite
            inFlight = (chunk, carries, Task { try await log.appendCommits(sending) })
            chunk = Chunk()
        }
        do {
            try await spool.forEachGroup { group in
                chunk.groups.append(group)
                chunk.events += group.entries.count
                if chunk.events >= 4096 { try await send() }
            }
            try await send()
            try await settle()
        } catch let e as AdminError {
            refused = e
        } catch {
            if let (_, _, task) = inFlight { _ = try? await task.value }
            throw error
        }
        if let (_, _, task) = inFlight { _ = try? await task.value }
        progress.finish()
        MallocArenas.trace("end of the second pass")
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
        try printSummary(plan: plan, written: written, commits: commits, skipped: skipped, records: Int(records), head: head,
                         started: started)
    }

    /// Into an empty log: the staging log written during the check is closed and becomes the
    /// log (`StagedImport.install`), then the log's writer (which held the lock) is closed.
    private func finishStaged(_ staged: StagedImport, plan: ImportPlan, log: EventLog, started: Date) throws {
        let head: LogHead
        var warnings: [String] = []
        // The check's structures (the auditor's state of every aggregate) are freed: give their
        // pages back before the staging log's close builds its index files.
        MallocArenas.trim()
        do {
            let finished = try staged.finish()
            head = finished.head
            warnings = finished.problems
            MallocArenas.trace("end of the staged writes")
            if head.position > 0 {
                warnings += try staged.install(into: dataOptions.directory.logPath)
            } else {
                staged.discard()
            }
        } catch {
            staged.discard()
            try? log.close()
            throw error
        }
        do {
            for problem in try log.closeWithReport().problems { printError("warning: \(problem)") }
        } catch {
            throw AdminError.failure("\(file): the \(staged.written) events this import appended (head \(head)) were written but could not be made durable: \(error)")
        }
        for warning in warnings { printError("warning: \(warning)") }
        try printSummary(plan: plan, written: staged.written, commits: staged.commits, skipped: plan.stored, records: staged.records,
                         head: head, started: started)
    }

    /// Destroys the keys of erased members, then prints what was imported.
    private func printSummary(plan: ImportPlan, written: Int, commits: Int, skipped: Int, records: Int, head: LogHead,
                              started: Date) throws {
        let shredded = try plan.shredErasedMembers()
        let seconds = Date().timeIntervalSince(started)
        let twice = plan.repeated > 0 ? "; \(plan.repeated) given twice in the file, skipped" : ""
        var summary = "imported \(written) events in \(commits) commits (\(skipped) already stored\(twice)) in \(String(format: "%.1f", seconds)) s; head \(head)"
        if shredded > 0 { summary += "; keys of \(shredded) erased members destroyed" }
        if plan.acceptedViolations > 0 {
            summary += "; \(plan.acceptedViolations) events break a domain invariant (accepted: recorded in stream \(StreamID.historyImport(plan.importId)) in \(records) commit\(records == 1 ? "" : "s"); see 'fabriek-admin audit')"
        }
        print(summary)
    }

    /// The line a refused append points at: the stream or event the error names, else the first.
    static func line(for error: any Error, in group: ImportSpool.Group) -> Int {
        if let e = error as? LogError {
            switch e {
            case let .wrongExpectedVersion(stream, _, actual):
                return group.entries.first { $0.stream == stream && $0.expected != .any && $0.expected.number != actual }?.line
                    ?? group.entries.first { $0.stream == stream }?.line ?? group.firstLine
            case let .partiallyStored(id, _), let .duplicateEventInAppend(id):
                return group.entries.first { $0.event.id.uuidString == id }?.line ?? group.firstLine
            case let .recordedAtGoesBackwards(given, _):
                return group.entries.first { $0.event.recordedAt == given }?.line ?? group.firstLine
            case .invalidAppend, .corruptBatch, .corruptSegment, .corruptIndex, .diskFull, .io, .writerFailed, .notDurable, .locked,
                 .readOnly, .closed, .positionOutOfRange, .notACommitBoundary, .unsupportedFormat:
                break
            }
        }
        if let e = error as? PayloadRejection {
            return group.entries.first { $0.event.id == e.eventID }?.line ?? group.firstLine
        }
        return group.firstLine
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
