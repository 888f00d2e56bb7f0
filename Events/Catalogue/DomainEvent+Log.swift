import EventLog
import Foundation

extension DomainEvent {
    /// The event ready to append: type name, schema version and protobuf payload.
    public func proposed(id: UUID = UUID(), metadata: [String: String] = [:]) -> ProposedEvent {
        ProposedEvent(id: id, type: typeName, schemaVersion: schemaVersion, metadata: metadata, payload: encodePayload())
    }

    /// The payload as canonical JSON (sorted keys, no whitespace; sealed fields as `JSONContext`
    /// describes). The same event and vault state always give the same bytes.
    public func canonicalJSON(context: JSONContext = .sealed) throws -> [UInt8] {
        var w = JSONWriter()
        try writeJSON(to: &w, context: context)
        return w.bytes
    }
}
