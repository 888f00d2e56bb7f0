import ArgumentParser
import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import Projections

/// `report programme|youregion`: a report as of a past date or position, byte-for-byte reproducible.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute a report as of a date or position (identical bytes every run).",
        discussion: """
            The report folds the log up to the commit in force at --as-of (or up to --position, \
            which must end a commit: use a position printed by 'log head') and states that \
            position and its chain hash, so anyone with the log can reproduce it. Events appended \
            later do not change it.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case programme, youregion }
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, md, html }

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: "programme or youregion.") var kind: Kind
    @Option(name: .customLong("as-of"), help: ArgumentHelp("The instant: YYYY-MM-DD (the end of that day, UTC) or an ISO 8601 UTC time.", valueName: "DATE"))
    var asOf: String?
    @Option(help: "The log position (the end of a commit).") var position: UInt64?
    @Option(help: "json, csv, md or html.") var format: Format = .md
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func validate() throws {
        if (asOf == nil) == (position == nil) { throw ValidationError("give exactly one of --as-of DATE or --position N") }
        if let asOf, ReportCommand.instant(asOf) == nil {
            throw ValidationError("--as-of must be YYYY-MM-DD or an ISO 8601 UTC time, not '\(asOf)'")
        }
    }

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let at = position ?? log.position(at: ReportCommand.instant(asOf!)!)
        if at > log.head().position {
            throw AdminError.failure("position \(at) is past the head \(log.head().position); use 'log head'")
        }
        let report: Report
        do {
            switch kind {
            case .programme:
                let reference = try ReferenceData.load()
                report = try ProgrammeReportBuilder(log: log, geography: reference.maastricht, vault: dir.existingVault())
                    .report(asOf: at)
            case .youregion:
                report = try YouRegionReportBuilder(log: log).report(asOf: at)
            }
        } catch let e as ReportError {
            throw AdminError.failure("\(e)")
        }
        let text: String
        switch format {
        case .json: text = ReportJSON.render(report)
        case .csv: text = ReportCSV.render(report)
        case .md: text = ReportMarkdown.render(report)
        case .html: text = ReportHTML.render(report)
        }
        if let out {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw AdminError.failure("cannot write \(out): \(error.localizedDescription)")
            }
            printError("\(kind.rawValue) report as of \(report.asOf) written to \(out) (content hash \(report.contentHash))")
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// A date means the end of that day (UTC); otherwise an ISO 8601 UTC time
    /// (`2026-06-30T12:00:00Z`, optionally with up to six fractional digits).
    static func instant(_ text: String) -> Timestamp? {
        if let day = Day(iso: text) { return day.utcEnd }
        return ISO8601Time.parse(text)
    }
}
