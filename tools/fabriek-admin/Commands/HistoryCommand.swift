import ArgumentParser
import EventLog
import Events
import Foundation

/// `history STREAM`: one stream's events in order, readable.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every event of one stream in order (e.g. member-<uuid>, tender-<uuid>).")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The stream id.") var stream: String

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let events = try log.readStream(stream)
        guard !events.isEmpty else {
            throw AdminError.failure("stream '\(stream)' has no events; stream ids look like member-<uuid> (see 'log dump --type MemberRegistered')")
        }
        let rendering = EventRendering(context: JSONContext(vault: dir.existingVault(log: log)))
        var out = StandardOutput()
        for e in events {
            if output.json {
                out.line(rendering.line(e))
                continue
            }
            let actor = e.metadata[MetadataKey.actor].map { "  by \($0)" + (e.metadata[MetadataKey.role].map { " (\($0))" } ?? "") } ?? ""
            out.line("v\(e.streamVersion)  #\(e.position)  \(e.recordedAt)  \(e.type)\(actor)")
            let (json, error) = e.payload.withUnsafeBytes { rendering.data(type: e.type, schemaVersion: e.schemaVersion, payload: $0) }
            if let json {
                out.line("    " + Self.pretty(json))
            } else if let error {
                out.line("    (payload not decodable: \(error); \(e.payload.count) bytes)")
            }
        }
        out.flush()
    }

    /// The canonical JSON with a space after `:` and `,` at the top level, on one line.
    static func pretty(_ json: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        else { return String(decoding: json, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\n", with: "\n    ")
    }
}
