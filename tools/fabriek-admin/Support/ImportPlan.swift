import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData

/// The checks of `import`: reads every line of the file once, in bounded memory, and decides
/// what is appended (into an empty log written as it goes to the staging log, `staged`; else
/// spooled for a second pass, `spool`), or refuses the whole file naming its first bad line
/// (`FILE:LINE: what; nothing was imported`).
///
/// Per line: parse and decode (`ImportLine`, 1,024 lines at a time on every core); then, in file
/// order on the caller's thread: skip it when the log already holds it
/// (`StoredEvents`; a conflict refuses) or an earlier line gave the same id (same content:
/// skipped; other content: refused naming both lines); check its stream version and recorded time against the
/// log and the lines before it; check it against the domain's invariants (`InvariantAuditor`,
/// primed with what the log holds); group it into its commit. Memory: the auditor's state of
/// every aggregate; each stream's version in 16 bytes (`StreamVersionTable`); the ids of the
/// file's and the log's events in ~2 bytes each plus spilled runs (`IDCandidateIndex`); one
/// commit's lines at a time in the spool.
struct ImportPlan {
    let file: String
    let directory: DataDirectory
    let log: EventLog
    let acceptViolations: Bool
    let showProgress: Bool
    /// Where the checked events to append wait for the second pass (a log that holds events),
    /// nil when they are written as they are checked (`staged`).
    let spool: ImportSpool?
    /// The staging log an import into an empty log writes as it checks (`StagedImport`); nil
    /// for a log that holds events (those go through `spool`).
    let staged: StagedImport?
    /// The id of this import (the stream of its `ImportViolationsAccepted` records).
    let importId = UUID()
    /// The domain's invariants, folded with the log and the lines checked; released when
    /// `check` returns (only the erased members are kept), so that the second pass does not
    /// hold the state of every aggregate beside the log's indexes.
    private var auditor: InvariantAuditor?
    /// Lines the log already held (skipped).
    private(set) var stored = 0
    /// Lines whose id an earlier line of the file gave, with the same content (skipped).
    private(set) var repeated = 0
    /// Violations accepted with `--accept-violations`, by line, not recorded yet: the second
    /// pass records them, commit by commit, as `ImportViolationsAccepted` in the same commit as
    /// the events (so this grows with the violations of a spooled import); a staged import
    /// records them when their commit ends and forgets them.
    private(set) var accepted: [Int: InvariantViolation] = [:]
    /// Violations accepted with `--accept-violations`, in all.
    private(set) var acceptedViolations = 0
    /// Whether the auditor holds what the log held before the import (folded before the first
    /// line to append was checked).
    private var primed = false
    /// The members the log records as erased and those the import erases, known at the end of
    /// the check (for `shredErasedMembers`, which runs after the log is closed): the auditor's,
    /// or without priming (nothing to append) read from the log.
    private var erased: [UUID] = []

    private enum GroupKey: Equatable {
        case commit(UInt64)
        case time(Timestamp)
        case bulk
    }

    static let bulkSize = 1000
    /// Aggregate states of each kind the auditor keeps in memory (`InvariantAuditor`'s
    /// `residentEntries`); `FABRIEK_IMPORT_RESIDENT_STATES` sets another number (tests make the
    /// auditor spill with a few).
    static var auditorResidentEntries: Int {
        ProcessInfo.processInfo.environment["FABRIEK_IMPORT_RESIDENT_STATES"].flatMap { Int($0) }.map { max(1, $0) }
            ?? InvariantAuditor.defaultResidentEntries
    }
    /// Lines parsed together on every core.
    static let parseBatchSize = 1024
    /// The resident memory the check aims to stay under: past it, the auditor keeps fewer
    /// aggregate states in memory (`shrinkResidentStates`), the rest in its scratch file. Below
    /// the 300 MB an import may take, leaving room for the staging log's index checkpoints.
    static let memoryBudget = 240 << 20
    /// Lines checked between two looks at the resident memory.
    static let memoryCheckInterval = 16_384

    init(file: String, directory: DataDirectory, log: EventLog, acceptViolations: Bool, showProgress: Bool = false) throws {
        self.showProgress = showProgress
        self.file = file
        self.directory = directory
        self.log = log
        self.acceptViolations = acceptViolations
        for line in ImportLeftovers.removeStale(in: directory.path) { printError("import: \(line)") }
        if log.head().position == 0 {
            staged = try StagedImport(directory: directory.path, file: file)
            spool = nil
        } else {
            spool = try ImportSpool(directory: directory.path)
            staged = nil
        }
        // The auditor keeps a bounded number of aggregate states in memory, the rest in a
        // scratch file beside the log (`import-PID.audit`, deleted with the auditor).
        let scratch = directory.path + "/import-\(getpid()).audit"
        do {
            auditor = try InvariantAuditor(reference: try ReferenceData.load(), recordsAcceptances: false, scratchFile: scratch,
                                           residentEntries: Self.auditorResidentEntries)
        } catch let e as AuditSpillError {
            throw AdminError.failure("\(e.description); check that \(directory.path) is writable")
        }
    }

    mutating func check(_ reader: LineReader) throws {
        guard let auditor else { preconditionFailure("ImportPlan.check runs once") }
        defer { self.auditor = nil }
        let log = self.log
        auditor.chainHead = { log.head(at: $0) }
        auditor.chainKnownThrough = log.head().position
        var context = JSONContext.sealed
        let dir = directory
        var openedVault: PersonalDataVault?
        func vault() throws -> PersonalDataVault {
            if let openedVault { return openedVault }
            let v = try dir.vault(log: log)
            openedVault = v
            return v
        }
        let storedEvents = StoredEvents(log: log, directory: dir.path,
                                        context: { openedVault.map { JSONContext(vault: $0) } ?? .sealed })
        var versions = StreamVersionTable()
        let total = reader.size ?? 0
        // Ids of the lines checked so far, to find an id given twice: sized when the first
        // batch of lines is read, by the file's size over their average length.
        var fileIDs: IDCandidateIndex?
        // The auditor learns what the log holds just before the first line to append is
        // checked: a file the log holds whole (a re-import) never needs it.
        var lastRecorded: Timestamp?
        var lastRecordedLine = 0
        func prime() throws {
            guard !primed else { return }
            lastRecorded = try primeAuditor(auditor)
            primed = true
            // The stored log was read once (recognising the stored lines, priming): its pages
            // need not stay resident beside the checks' state.
            log.dropResidentSegmentPages()
            MallocArenas.trace("auditor primed")
        }
        let storedLines = StoredLines(log: log, head: log.head().position)
        var checkedSinceMemoryLook = 0, memoryLooks = 0
        let tracesMemory = getenv("FABRIEK_MEMORY_TRACE") != nil
        var key: GroupKey?
        var groupSize = 0, groupFirstLine = 0
        var groupStored: Int?, groupNew: Int?
        let now = Timestamp.now()
        var progress = Progress(label: "check", total: total >> 20, unit: "MB", enabled: showProgress)
        let file = self.file
        // Violations of the current commit, settled when it ends: accepted by a record the file
        // itself carries in that commit (an export of a log that accepted them), else by
        // --accept-violations, else refused.
        var pending: [(line: Int, eventId: UUID, violation: InvariantViolation)] = []
        var recordedInFile = Set<UUID>()
        func settle() throws {
            defer { pending = []; recordedInFile = [] }
            for p in pending where !recordedInFile.contains(p.eventId) {
                guard acceptViolations else {
                    throw RefusedViolation(message: "\(file):\(p.line): \(p.violation.rule), \(p.violation.reason) (\(p.violation.eventType) in \(p.violation.stream)); to import it anyway and record that, use --accept-violations; nothing was imported (fix the line and run the import again)")
                }
                accepted[p.line] = p.violation
                acceptedViolations += 1
            }
        }
        let spool = self.spool
        let staged = self.staged
        // The new lines of the commit being checked (staged: handed to the writer when it ends).
        var group = ImportSpool.Group()
        var recordsBuilt: UInt64 = 0
        func endGroup() throws {
            try settle()
            guard let staged, !group.entries.isEmpty else { return }
            let record = acceptance(of: group, importId: importId, recorded: recordsBuilt)
            if record != nil {
                recordsBuilt += 1
                for entry in group.entries { accepted[entry.line] = nil }
            }
            try staged.add(group, record: record)
            group = ImportSpool.Group()
        }
        // An earlier line with the same id: the spool's entry, or (staged) the line read again
        // from the file at its offset and parsed.
        func earlier(_ value: UInt64) throws -> ImportSpool.Entry {
            if let spool { return try spool.entry(at: value) }
            let bytes = try reader.line(at: value)
            let parsed = try bytes.withUnsafeBytes { try ImportLine.parse($0, number: 0, context: &context, vault: vault) }
            return ImportSpool.Entry(line: 0, stream: parsed.stream, expected: parsed.expected, event: parsed.event)
        }
        func earlierLine(_ value: UInt64, _ entry: ImportSpool.Entry) throws -> Int {
            spool == nil ? try reader.lineNumber(at: value) : entry.line
        }

        // Lines are parsed and decoded a batch at a time on every core (`parseBatch`); the
        // checks below, which depend on the lines before, run in file order on this thread.
        func startGroup(_ lineKey: GroupKey, _ number: Int) throws {
            if lineKey != key || (lineKey == .bulk && groupSize >= Self.bulkSize) {
                try endGroup()
                key = lineKey
                groupSize = 0
                groupFirstLine = number
                groupStored = nil
                groupNew = nil
            }
            groupSize += 1
        }
        // A line the log holds verbatim (`StoredLines`): skipped as a stored line is after parsing.
        func handleStored(_ number: Int, _ offset: UInt64, commit: UInt64) throws {
            do {
                try startGroup(.commit(commit), number)
                if let n = groupNew {
                    throw AdminError.failure("this line is already stored (or given before in this file) but line \(n) of the same commit is not; a commit is imported whole or not at all (import the file the stored part came from, or remove the stored lines)")
                }
                groupStored = groupStored ?? number
                stored += 1
                progress.update(offset >> 20)
            } catch let e as RefusedViolation {
                throw AdminError.failure(e.message)
            } catch let e as AdminError {
                throw AdminError(e.code, "\(file):\(number): \(e.message); nothing was imported (fix the line and run the import again)")
            }
        }
        func handle(_ number: Int, _ bytes: UnsafeRawBufferPointer, _ start: UInt64, _ offset: UInt64,
                    _ parsed: Result<ImportLine, any Error>) throws {
            do {
                let line: ImportLine
                switch parsed {
                case .success(let l): line = l
                case .failure(let e) where e is ImportLine.NeedsVault:
                    line = try ImportLine.parse(bytes, number: number, context: &context, vault: vault)
                case .failure(let e): throw e
                }
                let lineKey: GroupKey = line.commit.map { .commit($0) } ?? line.event.recordedAt.map { .time($0) } ?? .bulk
                try startGroup(lineKey, number)
                var match = try storedEvents.match(line)
                var givenBefore = false
                if case .new = match, line.hasID {
                    match = try Self.matchEarlier(line, in: fileIDs!, entry: earlier, line: earlierLine)
                    if case .stored = match { givenBefore = true }
                }
                // Only an exported commit must be stored whole or not at all; the commits import
                // forms itself (per recordedAt, per 1,000 lines) may begin after skipped lines.
                var isCommit = false
                if case .commit = lineKey { isCommit = true }
                switch match {
                case .stored:
                    if isCommit, let n = groupNew {
                        throw AdminError.failure("this line is already stored (or given before in this file) but line \(n) of the same commit is not; a commit is imported whole or not at all (import the file the stored part came from, or remove the stored lines)")
                    }
                    groupStored = groupStored ?? number
                    if givenBefore { repeated += 1 } else { stored += 1 }
                    return
                case let .conflict(position, difference):
                    throw AdminError.failure("\"id\" \(line.event.id.uuidString.lowercased()) is already stored at position \(position) with other content (\(difference)); an id names one event: give this event a new id or correct it")
                case let .conflictInFile(earlierLine, difference):
                    throw AdminError.failure("\"id\" \(line.event.id.uuidString.lowercased()) is also given on line \(earlierLine) with other content (\(difference)); an id names one event: give one of them a new id or correct it")
                case .new:
                    if isCommit, let s = groupStored {
                        throw AdminError.failure("this line is not stored but line \(s) of the same commit is; a commit is imported whole or not at all")
                    }
                    groupNew = groupNew ?? number
                }
                try prime()
                let streamKey = line.versionKey
                let current = versions.version(streamKey) ?? log.streamVersion(line.stream)
                if let v = line.version, v != current + 1 {
                    throw AdminError.failure("\"version\": \(v), but stream '\(line.stream)' holds \(current) events before this line, so its next version is \(current + 1)")
                }
                try versions.set(streamKey, current + 1)
                let at = line.event.recordedAt ?? now
                if let last = lastRecorded, at < last {
                    let before = lastRecordedLine == 0 ? "the log's last recorded time" : "line \(lastRecordedLine)'s"
                    throw AdminError.failure("\"recordedAt\" \(at) is earlier than \(before) (\(last)); events are imported in their recorded order")
                }
                lastRecorded = at
                lastRecordedLine = number
                if let violation = auditor.check(line.decoded, stream: line.stream, key: line.auditKey, recordedAt: at) {
                    pending.append((number, line.event.id, violation))
                }
                checkedSinceMemoryLook += 1
                if checkedSinceMemoryLook >= Self.memoryCheckInterval {
                    checkedSinceMemoryLook = 0
                    keepWithinMemoryBudget(auditor)
                    memoryLooks += 1
                    if tracesMemory && memoryLooks % 32 == 0 {
                        traceTables(line: number, auditor: auditor, versions: versions, fileIDs: fileIDs)
                    }
                }
                if let failure = auditor.scratchFailure {
                    throw AdminError.failure("the check could not go on: \(failure); free space in \(dir.path) (the scratch file is deleted with the import)")
                }
                if case .historyImport(.violationsAccepted(let record)) = line.decoded {
                    recordedInFile.formUnion(record.violations.map(\.eventId))
                }
                if let spool {
                    let body = line.spoolBody.isEmpty ? ImportSpool.body(stream: line.stream, expected: line.expected, event: line.event)
                        : line.spoolBody
                    let spooledAt = try spool.write(line: number, body: body, startsCommit: groupFirstLine == number || groupNew == number)
                    if line.hasID { try fileIDs!.insert(line.event.id, value: spooledAt) }
                } else {
                    // The version counted here, exact: the staging log's writer trusts it
                    // (`appendCommits(_:checked:)`), as it trusts that the id is new.
                    group.entries.append(ImportSpool.Entry(line: number, stream: line.stream,
                                                           expected: current == 0 ? .noStream : .exact(current), event: line.event))
                    if line.hasID { try fileIDs!.insert(line.event.id, value: start) }
                }
                progress.update(offset >> 20)
            } catch let e as RefusedViolation {
                throw AdminError.failure(e.message)
            } catch let e as AdminError {
                throw AdminError(e.code, "\(file):\(number): \(e.message); nothing was imported (fix the line and run the import again)")
            } catch {
                throw AdminError.failure("\(file):\(number): \(error); nothing was imported (fix the line and run the import again)")
            }
        }
        // While this thread checks one sub-batch of parsed lines, the next is parsed on the
        // other cores (the lines' bytes stay valid until the reader's batch call returns, and
        // every parse in flight is waited for before it does).
        func process(_ current: ParseAhead) throws {
            let (commits, parsed) = current.wait()
            var j = 0
            for k in current.lines.indices {
                let line = current.lines[k]
                if let commit = commits[k] {
                    try handleStored(line.number, line.offsetAfter, commit: commit)
                    continue
                }
                defer { j += 1 }
                guard let result = parsed[j] else { continue }  // a blank line
                try handle(line.number, line.bytes, line.offset, line.offsetAfter, result)
            }
        }
        // The last sub-batch of a reader batch is parsed from a copy of its bytes and checked
        // at the start of the next reader batch, while that one's first sub-batch is parsed: so
        // this thread never waits for a whole sub-batch's parse at a batch boundary. One parse
        // is in flight at a time (`StoredLines` reads forward).
        var carried: ParseAhead?
        try reader.forEachBatch { batch in
            // The stored log is read forward through its mappings in short scans (recognising
            // stored lines, comparing ids), which do not drop what they read as long ones do
            // (`keepScannedSegmentsResident`): its pages would stay resident in this process
            // (~1.7 GB at 10M events). Dropped once per 4 MiB of the file (the page cache keeps them).
            log.dropResidentSegmentPages()
            if fileIDs == nil {
                fileIDs = IDCandidateIndex(expected: Self.expectedLines(total: total, sample: batch), directory: dir.path, name: "file")
            }
            let starts = Array(stride(from: 0, to: batch.count, by: Self.parseBatchSize))
            func parse(_ j: Int) -> ParseAhead {
                let lines = Array(batch[starts[j]..<min(starts[j] + Self.parseBatchSize, batch.count)])
                return ParseAhead(lines, owningCopy: j == starts.count - 1, context: context, stored: storedLines,
                                  spoolBodies: spool != nil)
            }
            carried?.wait()
            var next: ParseAhead? = parse(0)
            defer { if let next, !next.ownsBytes { next.wait() } }
            if let c = carried {
                carried = nil
                try process(c)
                Self.release(c)
            }
            for j in starts.indices.dropLast() {
                let current = next!
                current.wait()
                next = parse(j + 1)
                try process(current)
                Self.release(current)
            }
            carried = next
            next = nil
        }
        if let c = carried {
            carried = nil
            try process(c)
        }
        do {
            try endGroup()
        } catch let e as RefusedViolation {
            throw AdminError.failure(e.message)
        }
        erased = primed ? auditor.erasedMembers : try erasedMembersInLog()
        MallocArenas.trace("end of the check")
        progress.finish()
    }

    /// Past `memoryBudget` of resident memory, the auditor keeps two thirds of the states it
    /// holds in memory (and no more from then on), and the freed pages go back to the system.
    private func keepWithinMemoryBudget(_ auditor: InvariantAuditor) {
        guard let resident = MallocArenas.residentBytes(), resident > Self.memoryBudget else { return }
        auditor.shrinkResidentStates(to: 2.0 / 3.0)
        MallocArenas.trim()
        MallocArenas.trace("auditor shrunk to \(auditor.residentStates) resident states")
    }

    /// With `FABRIEK_MEMORY_TRACE`: the check's growing tables and where the resident memory
    /// is, on standard error.
    private func traceTables(line: Int, auditor: InvariantAuditor, versions: StreamVersionTable, fileIDs: IDCandidateIndex?) {
        let mb = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_048_576) }
        let scratch = auditor.scratchBytes
        var text = "memory tables at line \(line): versions \(versions.count) streams \(mb(versions.capacity * 16)) MB"
        text += ", scratch index \(scratch.entries) entries \(mb(scratch.index)) MB (file \(mb(Int(scratch.file))) MB)"
        text += ", file ids \(mb(fileIDs?.residentBytes ?? 0)) MB, auditor \(auditor.residentStates) states"
        if let r = MallocArenas.residentByKind() {
            text += "; resident: heap \(r.heap >> 10) MB, other anonymous \(r.anonymous >> 10) MB, files \(r.files >> 10) MB"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// The lines a file of `total` bytes holds, estimated from the average length of `sample`
    /// (its first lines) with a quarter more: a longer file or shorter lines later cost only
    /// more false positives of the id filter, not wrong answers.
    static func expectedLines(total: UInt64, sample: [LineReader.Line]) -> Int {
        guard let first = sample.first, let last = sample.last, last.offsetAfter > first.offset else { return 1024 }
        let perLine = Double(last.offsetAfter - first.offset) / Double(sample.count)
        return max(1024, Int(Double(total) / perLine * 1.25))
    }

    /// Where checked sub-batches go to be freed: destroying a thousand parsed lines (their
    /// events, strings and payloads) took ~9% of the checking thread, which sets an import's
    /// pace; on this queue's thread it runs beside the checks.
    private static let releaseQueue = DispatchQueue(label: "fabriek-admin.import.release", qos: .utility)

    /// Frees `batch` on `releaseQueue` (unless the caller's reference happens to be the last).
    private static func release(_ batch: ParseAhead) {
        releaseQueue.async { withExtendedLifetime(batch) {} }
    }

    /// A sub-batch of lines parsed on other threads (`ImportLine.parseBatch`) while the caller
    /// works on the one before; `wait()` returns the results (and may be called again).
    private final class ParseAhead: @unchecked Sendable {
        let lines: [LineReader.Line]
        private let context: JSONContext
        private let stored: StoredLines
        private let spoolBodies: Bool
        /// Per line, the first position of its stored commit when the log holds it verbatim
        /// (`StoredLines`); the other lines' parse results, in order (nil for a blank line).
        private var results: (commits: [UInt64?], parsed: [Result<ImportLine, any Error>?]) = ([], [])
        private let done = DispatchSemaphore(value: 0)
        private var finished = false
        /// The lines' bytes when copied (`owningCopy`): valid after the reader's batch call.
        private let copy: UnsafeMutableRawBufferPointer?
        var ownsBytes: Bool { copy != nil }

        /// With `owningCopy`, `lines` (contiguous in the reader's buffer) are copied first, so the
        /// parse and the results may outlive the reader's batch call.
        init(_ lines: [LineReader.Line], owningCopy: Bool = false, context: JSONContext, stored: StoredLines, spoolBodies: Bool) {
            if owningCopy, let first = lines.first?.bytes.baseAddress, let last = lines.last {
                let count = first.distance(to: last.bytes.baseAddress!) + last.bytes.count
                let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 8)
                copy.baseAddress!.copyMemory(from: first, byteCount: count)
                self.copy = copy
                self.lines = lines.map { line in
                    var moved = line
                    moved.bytes = UnsafeRawBufferPointer(start: copy.baseAddress! + first.distance(to: line.bytes.baseAddress!),
                                                         count: line.bytes.count)
                    return moved
                }
            } else {
                copy = nil
                self.lines = lines
            }
            self.context = context
            self.stored = stored
            self.spoolBodies = spoolBodies
            DispatchQueue.global().async { [self] in
                results = outcomes()
                done.signal()
            }
        }

        deinit {
            copy?.deallocate()
        }

        private func outcomes() -> (commits: [UInt64?], parsed: [Result<ImportLine, any Error>?]) {
            let commits = stored.match(lines)
            let rest = commits.allSatisfy { $0 == nil } ? lines : zip(lines, commits).compactMap { $1 == nil ? $0 : nil }
            return (commits, ImportLine.parseBatch(rest, context: context, spoolBodies: spoolBodies))
        }

        /// The outcomes, once ready; the caller's thread alone calls it.
        @discardableResult
        func wait() -> (commits: [UInt64?], parsed: [Result<ImportLine, any Error>?]) {
            if !finished {
                done.wait()
                finished = true
            }
            return results
        }
    }

    /// A violation neither accepted nor recorded in the file; the message names its own line.
    private struct RefusedViolation: Error {
        var message: String
    }

    /// The record of the violations accepted in `group` (one commit), to append in that same
    /// commit after its events: `ImportViolationsAccepted` in stream `import-{importId}`, whose
    /// version `recorded` counts the records appended before; nil when the commit accepts none.
    func acceptance(of group: ImportSpool.Group, importId: UUID, recorded: UInt64) -> StreamAppend? {
        let violations = group.entries.compactMap { entry -> AcceptedViolation? in
            guard let v = accepted[entry.line] else { return nil }
            return AcceptedViolation(eventId: entry.event.id, stream: entry.stream, eventType: entry.event.type,
                                     line: UInt64(entry.line), rule: v.rule, reason: v.reason)
        }
        guard !violations.isEmpty else { return nil }
        let record = ImportViolationsAccepted(importId: importId, file: (file as NSString).lastPathComponent,
                                              violations: violations)
        var event = record.domainEvent.proposed()
        event.recordedAt = group.entries.last?.event.recordedAt
        return StreamAppend(stream: StreamID.historyImport(importId), expectedVersion: recorded == 0 ? .noStream : .exact(recorded),
                            events: [event])
    }

    /// Whether a line's id was given on an earlier line of the file (checked before): the same
    /// content is `.stored` (skipped, as a stored line is), other content a conflict naming
    /// that line, else `.new`. `entry` reads the earlier line a value of `ids` points at,
    /// `line` gives its line number.
    static func matchEarlier(_ line: ImportLine, in ids: IDCandidateIndex, entry: (UInt64) throws -> ImportSpool.Entry,
                             line number: (UInt64, ImportSpool.Entry) throws -> Int) throws -> StoredEvents.Match {
        for value in try ids.candidates(of: line.event.id) {
            let earlier = try entry(value)
            guard earlier.event.id == line.event.id else { continue }
            guard let difference = difference(line, earlier) else { return .stored(position: 0) }
            return .conflictInFile(line: try number(value, earlier), difference: difference)
        }
        return .new
    }

    /// What differs between a line and a spooled one, nil when they are the same event.
    static func difference(_ line: ImportLine, _ e: ImportSpool.Entry) -> String? {
        if e.stream != line.stream { return "stream '\(e.stream)', not '\(line.stream)'" }
        if e.event.type != line.event.type { return "type \(e.event.type), not \(line.event.type)" }
        if e.expected != line.expected { return "\"version\" \(e.expected.number.map { "\($0 + 1)" } ?? "none"), not \(line.version.map { "\($0)" } ?? "none")" }
        if e.event.recordedAt != line.event.recordedAt { return "other \"recordedAt\"" }
        if e.event.metadata != line.event.metadata { return "other metadata" }
        if e.event.schemaVersion != line.event.schemaVersion || e.event.payload != line.event.payload {
            return line.sealedOnImport ? "other data (or plaintext personal data, sealed again: give such a line once)" : "other data"
        }
        return nil
    }

    /// Folds what the log holds into the auditor (so new lines are checked against it); returns
    /// the last recorded time. Stored events this build cannot decode are not folded.
    private func primeAuditor(_ auditor: InvariantAuditor) throws -> Timestamp? {
        let head = log.head().position
        guard head > 0 else { return nil }
        var last: Timestamp?
        var folded = 0
        try log.forEachEvent(from: 1, through: head) { view in
            last = view.recordedAt
            // The memory budget holds while the stored log is folded too (millions of events
            // before the first new line is checked).
            folded += 1
            if folded % Self.memoryCheckInterval == 0 { keepWithinMemoryBudget(auditor) }
            guard let event = try? EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion,
                                                         payload: view.payload) else { return }
            auditor.fold(event, stream: view.stream)
        }
        return last
    }

    /// The members the log records as erased (`MemberErased`), read from the log.
    private func erasedMembersInLog() throws -> [UUID] {
        var erased: [UUID] = []
        try log.forEachEvent(from: 1, through: log.head().position) { view in
            guard view.hasType("MemberErased"),
                  case .member(.erased(let e))? = try? EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion,
                                                                             payload: view.payload) else { return }
            erased.append(e.memberId)
        }
        return erased
    }

    /// Destroys the key of every member the log records as erased (the import's and earlier
    /// ones), then checks that none is left. Returns how many keys were destroyed now.
    /// - Throws: `AdminError` when a key cannot be destroyed or survives.
    func shredErasedMembers() throws -> Int {
        guard !erased.isEmpty, FileManager.default.fileExists(atPath: directory.keysPath) else { return 0 }
        let vault: PersonalDataVault
        do {
            vault = try directory.vault(log: log)
        } catch {
            throw AdminError.failure("the import is committed, but the keys of \(erased.count) erased members in \(directory.keysPath) could not be destroyed: \(error); provide master.key (or FABRIEK_MASTER_KEY) and run 'fabriek-admin member erase' for each, or import again (stored lines are skipped)")
        }
        var destroyed = 0
        for member in erased where vault.keyState(subject: member) == .active {
            try vault.erase(subject: member)
            destroyed += 1
        }
        if let survivor = erased.first(where: { vault.keyState(subject: $0) == .active }) {
            throw AdminError.failure("the key of erased member \(survivor.uuidString.lowercased()) still exists in \(directory.keysPath) after the import; run 'fabriek-admin member erase \(survivor.uuidString.lowercased())'")
        }
        return destroyed
    }
}
