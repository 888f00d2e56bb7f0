import ArgumentParser
import EventLog
import Events
import Foundation

/// `log head|verify|stats|dump`.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Inspect and verify the event log (read-only).",
        subcommands: [LogHeadCommand.self, LogVerifyCommand.self, LogStatsCommand.self, LogDumpCommand.self]
    )
}

struct LogHeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "head", abstract: "Print the head digest: POSITION HASH (write it down to verify against later).")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try dataOptions.directory.openReadOnly()
        defer { try? log.close() }
        let head = log.head()
        if output.json {
            print(CanonicalJSON.object(["position": .uint(head.position), "hash": .string(head.hash.hex)]).text)
        } else {
            print(head.description)
        }
    }
}

struct LogVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the whole hash chain (or up to a digest); exit 1 naming the first bad position.",
        discussion: "Exit 0 when intact; 1 when the chain or a batch does not verify (naming the first bad commit and its positions), the digest does not match, the stream index does not match the log, or a torn tail or a quarantine file of cut bytes is found; 4 when the log is too damaged to open.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Verify up to this digest, as printed by 'log head' (POSITION:HASH or \"POSITION HASH\").", valueName: "POSITION:HASH"))
    var digest: String?

    func validate() throws {
        if let digest, LogHead(digest: digest) == nil {
            throw ValidationError("--digest must be POSITION:HASH with a 64-digit hex hash, e.g. 1042:9f86d0..., not '\(digest)'")
        }
    }

    func run() throws {
        let log: EventLog
        do {
            log = try dataOptions.directory.openReadOnly(reportingRecovery: false)
        } catch let e as LogError {
            switch e {
            case let .corruptBatch(segment, offset, position, reason):
                report(intact: false, checked: 0, head: nil, position: position, reason: "\(reason) (segment \(segment), byte \(offset))")
                throw ExitCode(AdminExit.corrupt.rawValue)
            case let .corruptSegment(segment, reason):
                report(intact: false, checked: 0, head: nil, position: nil, reason: "segment \(segment): \(reason)")
                throw ExitCode(AdminExit.corrupt.rawValue)
            default:
                throw e
            }
        }
        defer { try? log.close() }
        let result = log.verify(upTo: digest.flatMap(LogHead.init(digest:)))
        if let failure = result.failure {
            let commit = failure.positions.map { "the commit of positions \($0.lowerBound)-\($0.upperBound) is the first bad one: " } ?? ""
            report(intact: false, checked: result.eventsChecked, head: result.verifiedHead, position: failure.position,
                   reason: "\(commit)\(failure.reason) (segment \(failure.segment), byte \(failure.offset))",
                   commit: failure.positions)
            throw ExitCode(AdminExit.failure.rawValue)
        }
        if !result.findings.isEmpty {
            if output.json {
                print(CanonicalJSON.object(["intact": .bool(false), "eventsChecked": .uint(result.eventsChecked),
                                      "head": .string(result.verifiedHead.description),
                                      "findings": .array(result.findings.map { .string($0) })]).text)
            } else {
                printError("NOT INTACT: the chain verifies, but:")
                for finding in result.findings { printError("  - \(finding)") }
                print("NOT INTACT \(result.eventsChecked) events verified, head \(result.verifiedHead); \(result.findings.count) finding(s)")
            }
            throw ExitCode(AdminExit.failure.rawValue)
        }
        report(intact: result.isIntact, checked: result.eventsChecked, head: result.verifiedHead, position: nil, reason: nil)
        if !result.isIntact { throw ExitCode(AdminExit.failure.rawValue) }
    }

    private func report(intact: Bool, checked: UInt64, head: LogHead?, position: UInt64?, reason: String?,
                        commit: ClosedRange<UInt64>? = nil) {
        if output.json {
            var o: [String: CanonicalJSON] = ["intact": .bool(intact), "eventsChecked": .uint(checked)]
            if let head { o["head"] = .string(head.description) }
            if let position { o["firstBadPosition"] = .uint(position) }
            if let commit { o["firstBadCommit"] = .string("\(commit.lowerBound)-\(commit.upperBound)") }
            if let reason { o["reason"] = .string(reason) }
            print(CanonicalJSON.object(o).text)
        } else if intact {
            print("intact: \(checked) events verified, head \(head?.description ?? "-")")
        } else {
            let at = position.map { "at position \($0)" } ?? "in a segment header"
            let verified = head.map { "; verified up to \($0)" } ?? ""
            printError("verification FAILED \(at): \(reason ?? "unknown")\(verified); restore the damaged segment from a backup ('fabriek-admin restore')")
            print("FAILED \(position.map(String.init) ?? "-") \(reason ?? "")")
        }
    }
}

struct LogStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Events, streams, segments, bytes, bytes per event, events by type.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let log = try dataOptions.directory.openReadOnly()
        defer { try? log.close() }
        let s = try log.statistics()
        let head = log.head()
        let byType = s.eventsByType.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        if output.json {
            print(CanonicalJSON.object([
                "events": .uint(s.events), "streams": .uint(s.streams), "segments": .int(Int64(s.segments)),
                "batches": .int(Int64(s.batches)), "bytes": .uint(s.bytesOnDisk),
                "bytesPerEvent": .double((s.bytesPerEvent * 10).rounded() / 10),
                "head": .string(head.description),
                "byType": .object(s.eventsByType.mapValues { .uint($0) }),
            ]).text)
            return
        }
        print("events          \(s.events)")
        print("streams         \(s.streams)")
        print("commits         \(s.batches)")
        print("segments        \(s.segments)")
        print("bytes           \(s.bytesOnDisk)")
        print("bytes per event \(String(format: "%.1f", s.bytesPerEvent))")
        print("head            \(head)")
        print("by type:")
        let width = byType.map(\.key.count).max() ?? 0
        for (type, count) in byType {
            print("  \(type.padding(toLength: width, withPad: " ", startingAt: 0))  \(count)")
        }
    }
}

struct LogDumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print events as canonical JSON lines; personal fields decrypted where the key exists.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "First position (default 1).") var from: UInt64 = 1
    @Option(help: "Last position (default: the head).") var to: UInt64?
    @Option(help: "Only this stream.") var stream: String?
    @Option(help: "Only this event type.") var type: String?

    func validate() throws {
        if let to, to < from { throw ValidationError("--to (\(to)) must not be before --from (\(from))") }
    }

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let rendering = EventRendering(context: JSONContext(vault: dir.existingVault(log: log)))
        var out = StandardOutput()
        let last = to ?? log.head().position
        if let stream {
            for e in try log.readStream(stream) where e.position >= from && e.position <= last && (type == nil || e.type == type) {
                out.line(rendering.line(e))
            }
        } else {
            try log.forEachEvent(from: from, through: last) { e in
                if let type, e.type != type { return }
                out.line(rendering.line(e.materialize()))
            }
        }
        out.flush()
    }
}
