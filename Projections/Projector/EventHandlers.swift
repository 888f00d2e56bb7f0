import EventLog
import Events
import GRDB

/// A projector's handlers, one per catalogue event type, keyed by that type: the one place that
/// says which events the projector reads and what each does to its rows.
///
/// A `HandlerTableProjector` derives its `handledTypes` (the runner's filter) and its `apply`
/// from this table, so adding a handler is the whole change: the filter admits the new type, and
/// a type without a handler is neither admitted nor decoded. There is no `switch` over the
/// catalogue, so no `default:` that would swallow a new event type either.
///
/// ```swift
/// static let handlers = EventHandlers<MembersByBuurt>(
///     .on(MemberRegistered.self) { projector, e, event, db in
///         try db.run(cached: "INSERT INTO members VALUES (?, ?)") { b in b.id(1, e.memberId); b.text(2, e.buurt) }
///     }
/// )
/// ```
///
/// Each handler receives its event decoded straight into its type (`EventCatalogue.decode(_:…)`,
/// upcast from an older schema version first), the envelope (`EventView`: id, recorded time,
/// position) and the batch's connection. Listing a type twice traps when the table is built.
public struct EventHandlers<Owner: Sendable>: Sendable {
    /// One event type's handler; build it with `.on(Type.self) { owner, event, envelope, db in … }`.
    public struct Handler: Sendable {
        let typeName: String
        let catalogueIndex: Int
        let run: @Sendable (Owner, EventView, Database) throws -> Void

        /// The handler of events of type `E`: `body` gets the owner, the decoded event, its
        /// envelope and the batch's connection.
        public static func on<E: DomainEventPayload>(_ type: E.Type,
                                                     _ body: @escaping @Sendable (Owner, E, EventView, Database) throws -> Void) -> Handler {
            Handler(typeName: E.typeName, catalogueIndex: EventCatalogue.catalogueIndex(of: E.self)) { owner, event, db in
                try body(owner, try EventCatalogue.decode(E.self, schemaVersion: event.schemaVersion, payload: event.payload), event, db)
            }
        }
    }

    /// The handler of each catalogue index (nil: not handled).
    private let table: [Handler?]
    /// The handled types' names, for the runner's filter.
    public let typeNames: Set<String>

    public init(_ handlers: Handler...) {
        var table = [Handler?](repeating: nil, count: EventCatalogue.entries.count)
        for h in handlers {
            precondition(table[h.catalogueIndex] == nil, "\(h.typeName) has two handlers in the table of \(Owner.self)")
            table[h.catalogueIndex] = h
        }
        self.table = table
        typeNames = Set(handlers.map(\.typeName))
    }

    /// Decodes `event` and runs its type's handler; does nothing for a type without one.
    /// - Throws: what decoding throws (`EventDecodingError`, `UpcastError`, `ProtoDecodingError`)
    ///   and what the handler throws.
    public func apply(_ owner: Owner, _ event: borrowing EventView, _ db: Database) throws {
        guard let i = EventCatalogue.catalogueIndex(typeBytes: event.typeBytes), let handler = table[i] else { return }
        try handler.run(owner, event, db)
    }
}

/// A projector whose `apply` and `handledTypes` come from its handler table (`EventHandlers`).
/// Conform, declare `static let handlers`, and write no `apply` or `handledTypes` of your own.
public protocol HandlerTableProjector: Projector {
    static var handlers: EventHandlers<Self> { get }
}

extension HandlerTableProjector {
    /// The types of `handlers`.
    public var handledTypes: Set<String>? { Self.handlers.typeNames }

    /// Runs the handler of the event's type (`handlers`).
    public func apply(_ event: borrowing EventView, _ db: Database) throws {
        try Self.handlers.apply(self, event, db)
    }
}
