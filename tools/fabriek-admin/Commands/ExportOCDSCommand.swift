import ArgumentParser
import EventLog
import FabriekServer
import Foundation

/// `export ocds FILE [--since DATE] [--position N]`: every published job as an OCDS 1.1
/// release package (the same bytes as `GET /api/v1/ocds/releases` for the same position).
struct ExportOCDSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocds",
        abstract: "Write the published jobs as an OCDS 1.1 release package (open data; no personal data).")

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: ArgumentHelp("The file to write ('-' for standard output).", valueName: "FILE.json"))
    var file: String

    @Option(help: "Only jobs published on or after this date (YYYY-MM-DD, UTC).") var since: String?
    @Option(help: "As of this log position (default: the head).") var position: UInt64?

    func validate() throws {
        if let since, OCDSRoute.instant(since) == nil {
            throw ValidationError("--since must be a date such as 2020-01-01, not '\(since)'")
        }
    }

    func run() throws {
        let log = try dataOptions.directory.openReadOnly()
        defer { try? log.close() }
        if let position, position > log.head().position {
            throw AdminError.failure("position \(position) is past the head \(log.head().position); use 'log head'")
        }
        let data = try OCDSExport(log: log).bytes(since: since.flatMap(OCDSRoute.instant), asOf: position)
        if file == "-" {
            FileHandle.standardOutput.write(data)
        } else {
            try data.write(to: URL(fileURLWithPath: file), options: .atomic)
        }
    }
}
