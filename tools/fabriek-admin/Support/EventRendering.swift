import EventLog
import Events
import Foundation

/// Turns recorded events into the JSON lines of `log dump`, `history --json` and `export`.
struct EventRendering {
    /// Decrypts sealed fields where the vault holds the key; `.sealed` keeps them sealed.
    var context: JSONContext
    /// Export: also write the raw payload whenever its JSON would not reproduce the same bytes
    /// (an older schema version, an unknown type), so an import reproduces the log exactly.
    var exact = false

    /// The payload as canonical JSON, or nil when the type is unknown or undecodable.
    func data(type: String, schemaVersion: UInt32, payload: UnsafeRawBufferPointer) -> (json: [UInt8]?, error: String?) {
        do {
            let event = try EventCatalogue.decode(type: type, schemaVersion: schemaVersion, payload: payload)
            return (try event.canonicalJSON(context: context), nil)
        } catch {
            return (nil, "\(error)")
        }
    }

    /// One event's line: envelope fields and `data`.
    func line(_ e: RecordedEvent, commit: UInt64? = nil) -> [UInt8] {
        let type = e.type
        var fields: [String: CanonicalJSON] = [
            "position": .uint(e.position),
            "id": .string(e.id.uuidString.lowercased()),
            "stream": .string(e.stream),
            "version": .uint(e.streamVersion),
            "type": .string(type),
            "schemaVersion": .uint(UInt64(e.schemaVersion)),
            "recordedAt": .string(e.recordedAt.iso8601),
        ]
        let metadata = e.metadata
        if !metadata.isEmpty { fields["metadata"] = .object(metadata.mapValues { .string($0) }) }
        if let commit { fields["commit"] = .uint(commit) }
        var json: [UInt8]?
        var error: String?
        var reproduces = false
        do {
            let event = try EventCatalogue.decode(e)
            json = try event.canonicalJSON(context: context)
            // The canonical JSON parses back to the same typed event, so it reproduces the
            // stored bytes exactly when re-encoding the decoded event does (a current version).
            reproduces = exact && event.schemaVersion == e.schemaVersion && event.encodePayload() == e.payload
        } catch let failure {
            error = "\(failure)"
        }
        if let json { fields["data"] = .raw(json) } else { fields["data"] = .null }
        if let error, !exact { fields["dataError"] = .string(error) }
        if exact && !reproduces { fields["payload"] = .string(Data(e.payload).base64EncodedString()) }
        return CanonicalJSON.object(fields).bytes
    }
}
