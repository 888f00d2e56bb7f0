import ArgumentParser
import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import Projections

/// `report programme|youregion|issued|trace`: reports as of a past date or position (byte-for-
/// byte reproducible), issued reports, and the auditor's trace of one cell.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute, issue, reproduce and trace reports (identical bytes every run).",
        discussion: """
            A report folds the log up to the commit in force at --as-of (or up to --position, \
            which must end a commit: use a position printed by 'log head') and states that \
            position and its chain hash, so anyone with the log can reproduce it. Events appended \
            later do not change it. 'report programme --issue' records the report in the log \
            (ProgrammeReportIssued); 'report issued ID' reproduces it from there, whatever was \
            erased since.
            """,
        subcommands: [ReportProgrammeCommand.self, ReportYouRegionCommand.self, ReportIssuedCommand.self, ReportTraceCommand.self])

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, md, html }

    /// A date means the end of that day (UTC); otherwise an ISO 8601 UTC time
    /// (`2026-06-30T12:00:00Z`, optionally with up to six fractional digits).
    static func instant(_ text: String) -> Timestamp? {
        // Day(iso:) refuses dates that do not exist (2020-02-30), where a DateFormatter rolls over.
        if let day = Day(iso: text) { return day.utcEnd }
        return ISO8601Time.parse(text)
    }

    static func render(_ report: Report, _ format: Format) -> String {
        switch format {
        case .json: return ReportJSON.render(report)
        case .csv: return ReportCSV.render(report)
        case .md: return ReportMarkdown.render(report)
        case .html: return ReportHTML.render(report)
        }
    }

    /// Writes `text` to `out` (atomically) or standard output.
    static func emit(_ text: String, to out: String?, describing: @autoclosure () -> String) throws {
        guard let out else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw AdminError.failure("cannot write \(out): \(error.localizedDescription)")
        }
        printError("\(describing()) written to \(out)")
    }
}

/// `--as-of DATE | --position N`, resolved against a log.
struct AsOfOptions: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("The instant: YYYY-MM-DD (the end of that day, UTC) or an ISO 8601 UTC time.", valueName: "DATE"))
    var asOf: String?
    @Option(help: "The log position (the end of a commit).") var position: UInt64?

    func validate(allowingNone: Bool = false) throws {
        if asOf != nil && position != nil || (!allowingNone && asOf == nil && position == nil) {
            throw ValidationError("give exactly one of --as-of DATE or --position N")
        }
        if let asOf, ReportCommand.instant(asOf) == nil {
            throw ValidationError("--as-of must be an existing date YYYY-MM-DD or an ISO 8601 UTC time like 2020-02-28T12:00:00Z, not '\(asOf)'")
        }
    }

    func validate() throws { try validate(allowingNone: true) }

    /// The position meant; refuses one past the head.
    func resolve(in log: EventLog) throws -> UInt64 {
        var at = position ?? log.position(at: ReportCommand.instant(asOf!)!)
        // An instant inside a commit (imported events keep their own times): the commit in
        // force then is the last one that had ended.
        if position == nil, let commit = log.commitRanges(from: at, through: at).first, commit.upperBound != at {
            at = commit.lowerBound - 1
        }
        if at > log.head().position {
            throw AdminError.failure("position \(at) is past the head \(log.head().position); use 'log head'")
        }
        return at
    }
}

struct ReportProgrammeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "programme", abstract: "The \"Maastricht goals\" programme report as of a date or position; --issue records it.",
        discussion: """
            With --issue the report is recorded in the log as ProgrammeReportIssued through the \
            application service (its published cells, content hash and content; it takes the \
            writer lock: exit 3 while the server runs) and its id is printed; 'report issued ID' reproduces it byte for byte from then on.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var asOf: AsOfOptions
    @Option(help: "json, csv, md or html.") var format: ReportCommand.Format = .md
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Flag(help: "Record the report as issued (ProgrammeReportIssued) and print its id.") var issue = false

    func validate() throws { try asOf.validate(allowingNone: false) }

    func run() async throws {
        let dir = dataOptions.directory
        let log = issue && dir.hasLog ? try dir.openWriter() : try dir.openReadOnly()
        defer { try? log.close() }
        let at = try asOf.resolve(in: log)
        let reference = try ReferenceData.load()
        let report: Report
        do {
            report = try ProgrammeReportBuilder(log: log, geography: reference.maastricht, vault: dir.existingVault(log: log)).report(asOf: at)
        } catch let e as ReportError {
            throw AdminError.failure("\(e)")
        }
        if issue {
            let reportId = UUID()
            let service = try ApplicationService(log: log, vault: try dir.vault(log: log), reference: reference)
            let outcome = try await service.execute(ReportDecider.self, stream: ReportDecider.streamId(reportId),
                                                    command: .issue(report.issuedEvent(reportId: reportId)),
                                                    metadata: CommandMetadata(actor: "fabriek-admin", role: "admin"))
            print("issued report \(reportId.uuidString.lowercased()) as of position \(report.asOf.position) (content hash \(report.contentHash)) at position \(outcome.head.position)")
            if let out { try ReportCommand.emit(ReportCommand.render(report, format), to: out, describing: "issued report") }
            return
        }
        try ReportCommand.emit(ReportCommand.render(report, format), to: out,
                               describing: "programme report as of \(report.asOf) (content hash \(report.contentHash))")
    }
}

struct ReportYouRegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "youregion", abstract: "The YouRegion cross-border register report as of a date or position.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var asOf: AsOfOptions
    @Option(help: "json, csv, md or html.") var format: ReportCommand.Format = .md
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func validate() throws { try asOf.validate(allowingNone: false) }

    func run() throws {
        let log = try dataOptions.directory.openReadOnly()
        defer { try? log.close() }
        let at = try asOf.resolve(in: log)
        let report: Report
        do {
            report = try YouRegionReportBuilder(log: log).report(asOf: at)
        } catch let e as ReportError {
            throw AdminError.failure("\(e)")
        }
        try ReportCommand.emit(ReportCommand.render(report, format), to: out,
                               describing: "youregion report as of \(report.asOf) (content hash \(report.contentHash))")
    }
}

struct ReportIssuedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issued", abstract: "Reproduce an issued report byte for byte (report issued ID), or list them (--list).",
        discussion: "An issued report is reproduced from the content recorded in its ProgrammeReportIssued event, not recomputed: erasures and missing keys since do not change it.")

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The issued report's id (a UUID).") var id: String?
    @Flag(help: "List the issued reports: id, kind, as-of position, content hash.") var list = false
    @Option(help: "json, csv, md or html.") var format: ReportCommand.Format = .md
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func validate() throws {
        if list == (id != nil) { throw ValidationError("give an issued report's ID, or --list") }
        if let id, UUID(uuidString: id) == nil { throw ValidationError("'\(id)' is not a report id (a UUID, as printed by 'report programme --issue')") }
    }

    func run() throws {
        let log = try dataOptions.directory.openReadOnly()
        defer { try? log.close() }
        if list {
            for r in try IssuedReports.all(in: log) {
                let hash = r.contentHash.map { String(format: "%02x", $0) }.joined()
                print("\(r.reportId.uuidString.lowercased())  \(r.period)  as of position \(r.asOfPosition)  content hash \(hash)\(r.content == nil ? "  (cells only)" : "")")
            }
            return
        }
        let report: Report
        do {
            report = try IssuedReports.report(UUID(uuidString: id!)!, in: log)
        } catch let e as IssuedReportError {
            throw AdminError.failure("\(e)")
        } catch let e as Report.ContentError {
            throw AdminError.failure("\(e)")
        }
        try ReportCommand.emit(ReportCommand.render(report, format), to: out, describing: "issued report \(id!)")
    }
}

struct ReportTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace", abstract: "Trace a programme KPI cell to the events it counts, as of a date, position or issued report.",
        discussion: """
            Lists every event the cell counts (position, recorded-at, stream, type, role, \
            contribution) in log order, recomputes the value from those lines and checks it \
            against the report's (exit 1 if they differ). The KPI's definition is printed first. A \
            suppressed cell lists no events unless --force-suppressed (administrators only; the \
            output says it was forced). Target-group cells are never traced. Examples:
              report trace OPD-1 programme --as-of 2021-12-31
              report trace SOC-1 2020-Q4 wijk=WK093500 --position 14302 --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

    @OptionGroup var dataOptions: DataOptions
    @Argument(help: "The KPI code, e.g. OPD-1.") var kpi: String
    @Argument(help: "The period: programme, a year (2026) or a quarter (2026-Q2).") var period: String
    @Argument(help: "The breakdown as in the report's JSON/CSV (e.g. wijk=WK093500); omit for the total.") var breakdown: String = ""
    @OptionGroup var asOf: AsOfOptions
    @Option(help: "Trace the cell of this issued report (its position, checked against its recorded value).") var issued: String?
    @Option(help: "text, json or csv.") var format: Format = .text
    @Flag(name: .customLong("force-suppressed"), help: "Administrators only: trace a suppressed cell anyway (noted in the output).")
    var forceSuppressed = false

    func validate() throws {
        try asOf.validate(allowingNone: true)
        let given = [asOf.asOf != nil, asOf.position != nil, issued != nil].filter { $0 }.count
        if given != 1 { throw ValidationError("give exactly one of --as-of DATE, --position N or --issued ID") }
        if let issued, UUID(uuidString: issued) == nil { throw ValidationError("--issued needs a report id (a UUID), not '\(issued)'") }
    }

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let tracer = KPITracer(log: log, geography: try ReferenceData.load().maastricht, vault: dir.existingVault(log: log))
        let trace: KPITrace
        do {
            if let issued {
                trace = try tracer.trace(kpi: kpi, period: period, breakdown: breakdown, issued: UUID(uuidString: issued)!, force: forceSuppressed)
            } else {
                trace = try tracer.trace(kpi: kpi, period: period, breakdown: breakdown, asOf: try asOf.resolve(in: log), force: forceSuppressed)
            }
        } catch let e as TraceError {
            throw AdminError.failure("\(e)")
        } catch let e as ReportError {
            throw AdminError.failure("\(e)")
        }
        switch format {
        case .text: FileHandle.standardOutput.write(Data(trace.text.utf8))
        case .json: FileHandle.standardOutput.write(Data((trace.json.text + "\n").utf8))
        case .csv: FileHandle.standardOutput.write(Data(trace.csv.utf8))
        }
        if !trace.matches {
            throw AdminError.failure("\(trace.kpi) \(trace.period) '\(trace.breakdown)': the value recomputed from the trace (\(trace.display(trace.recomputed))) differs from the report's (\(trace.display(trace.reportValue)))")
        }
    }
}
