import EventLog
import Foundation

/// Why an event may not be written: its type, schema version or payload is not something this
/// build's catalogue can read back. `field` names what is wrong (`type`, `schemaVersion` or
/// `payload`), `rule` the rule it breaks, `reason` the detail.
public struct PayloadRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var eventID: UUID
    public var type: String
    public var field: String
    public var rule: String
    public var reason: String

    public var description: String {
        "\(field): \(rule) (\(type), event \(eventID.uuidString.lowercased())): \(reason)"
    }
}

extension EventCatalogue {
    /// Decodes `event`'s payload as the catalogue says its type and schema version must be, and
    /// returns the decoded event: the check every write path makes before it appends, so that no
    /// event the readers cannot decode (a "poison" event) ever reaches the log.
    ///
    /// - Throws: `PayloadRejection` naming the field and rule: an unknown type, a schema version
    ///   of 0 or newer than this build's, or a payload that does not decode (after upcasting).
    public static func check(_ event: ProposedEvent) throws(PayloadRejection) -> DomainEvent {
        func reject(_ field: String, _ rule: String, _ reason: String) -> PayloadRejection {
            PayloadRejection(eventID: event.id, type: event.type, field: field, rule: rule, reason: reason)
        }
        guard let entry = entry(named: event.type) else {
            throw reject("type", "must be an event type of the catalogue", "'\(event.type)' is not one (see Events/CATALOGUE.md)")
        }
        guard event.schemaVersion >= 1 else {
            throw reject("schemaVersion", "must be at least 1", "got 0")
        }
        guard event.schemaVersion <= entry.schemaVersion else {
            throw reject("schemaVersion", "must not be newer than this build's (\(entry.schemaVersion))",
                         "got \(event.schemaVersion)")
        }
        do {
            return try event.payload.withUnsafeBytes {
                try decode(type: event.type, schemaVersion: event.schemaVersion, payload: $0)
            }
        } catch {
            throw reject("payload", "must decode as \(event.type) schema version \(event.schemaVersion)", "\(error)")
        }
    }

    /// `check(_:)` for an event whose payload the caller has just encoded from `decoded`
    /// (`payload == decoded.encodePayload()`, e.g. an import line read into its event): the same
    /// type and schema-version checks, and `decoded` itself instead of the payload decoded again.
    /// Encoding a current-version event then decoding it gives back an equal event for every
    /// type of the catalogue (`CatalogueRoundTripTests`, over generated samples of every type),
    /// so the decode would find nothing new. When `decoded` is not of the event's type and
    /// version, the payload is decoded as `check(_:)` does.
    public static func check(_ event: ProposedEvent, encodedFrom decoded: DomainEvent) throws(PayloadRejection) -> DomainEvent {
        guard event.schemaVersion == decoded.schemaVersion, event.type == decoded.typeName,
              let entry = entry(named: event.type), entry.schemaVersion == event.schemaVersion else {
            return try check(event)
        }
        return decoded
    }
}

extension EventLog {
    /// `append(_:)` for Fabriek's events: first checks every event with `EventCatalogue.check`
    /// and writes nothing when one fails. Every write path above the log that Fabriek uses (the
    /// application service, `fabriek-admin import`) appends through this.
    ///
    /// - Throws: `PayloadRejection` for the first event the catalogue cannot decode (nothing is
    ///   written); otherwise what `append(_:)` throws.
    public func appendChecked(_ appends: [StreamAppend]) async throws -> AppendResult {
        for a in appends {
            for e in a.events { _ = try EventCatalogue.check(e) }
        }
        return try await append(appends)
    }

    /// `appendChecked(_:)` for one stream.
    public func appendChecked(stream: String, expectedVersion: ExpectedVersion,
                              events: [ProposedEvent]) async throws -> AppendResult {
        try await appendChecked([StreamAppend(stream: stream, expectedVersion: expectedVersion, events: events)])
    }
}
