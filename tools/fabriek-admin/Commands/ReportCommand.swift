import ArgumentParser
import EventLog
import Foundation

/// `report programme|youregion`: a report as of a past date or position, byte-for-byte reproducible.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Compute a report as of a date or position (identical bytes every run).")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case programme, youregion }
    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, md, html }

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: "programme or youregion.") var kind: Kind
    @Option(name: .customLong("as-of"), help: "The instant (YYYY-MM-DD = end of that day UTC, or an ISO 8601 time).") var asOf: String?
    @Option(help: "The log position.") var position: UInt64?
    @Option(help: "json, csv, md or html.") var format: Format = .md
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func validate() throws {
        if (asOf == nil) == (position == nil) { throw ValidationError("give exactly one of --as-of DATE or --position N") }
        if let asOf, ReportCommand.instant(asOf) == nil {
            throw ValidationError("--as-of must be YYYY-MM-DD or an ISO 8601 UTC time, not '\(asOf)'")
        }
    }

    func run() throws {
        throw AdminError.failure("reports are not available in this build yet (they arrive with the read models); nothing was written")
    }

    /// A date means the end of that day (UTC).
    static func instant(_ text: String) -> Timestamp? {
        if text.count == 10 {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd"
            guard let d = f.date(from: text) else { return nil }
            return Timestamp(microsecondsSinceEpoch: Int64(d.timeIntervalSince1970) * 1_000_000 + 86_400_000_000 - 1)
        }
        guard let d = ISO8601DateFormatter().date(from: text) else { return nil }
        return Timestamp(d)
    }
}
