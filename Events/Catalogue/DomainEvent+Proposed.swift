import EventLog
import Foundation

extension DomainEvent {
    /// The event ready to append: type name, schema version and protobuf payload.
    public func proposed(id: UUID = UUID(), metadata: [String: String] = [:]) -> ProposedEvent {
        ProposedEvent(id: id, type: typeName, schemaVersion: schemaVersion, metadata: metadata, payload: encodePayload())
    }
}
