import EventLog
import Events

extension EventView {
    /// The event's payload decoded as a catalogue event (upcast to today's schema).
    /// Throws `EventDecodingError` for a type the catalogue does not know.
    func domainEvent() throws -> DomainEvent {
        try EventCatalogue.decode(typeBytes: typeBytes, schemaVersion: schemaVersion, payload: payload)
    }

    /// The event id as the lowercase text stored in read models and evidence tables.
    var idText: String { String(id: id) }
}
