import EventLog
import Foundation

/// The one place that lists every event type (`entries`, generated from the catalogue) with its
/// current schema version, aggregate and decoder, and turns stored payloads into typed events.
///
///     log.forEachEvent(from: 1) { view in
///         let event = try EventCatalogue.decode(typeBytes: view.typeBytes,
///                                               schemaVersion: view.schemaVersion, payload: view.payload)
///         ...
///     }
///
/// Decoding a current-version payload allocates only what the event holds (one box for the
/// event, its Strings longer than 15 bytes and its arrays); an older version is first upcast (`UpcasterRegistry.standard`), a newer one or an
/// unknown type throws `EventDecodingError`.
public enum EventCatalogue {
    /// One event type.
    public struct Entry: Sendable {
        public let typeName: String
        /// The version this build writes and decodes directly.
        public let schemaVersion: UInt32
        public let aggregate: AggregateKind
        /// Parses the canonical JSON form (`JSONSerialization` output).
        public let fromJSON: @Sendable (Any, JSONContext) throws -> DomainEvent
        /// Reads the canonical JSON form (keys in order, no white space, no escapes, sealed
        /// fields as written without a vault) straight from its bytes, without the `Any` values
        /// `fromJSON` takes; nil for anything else, or for bytes after the object. An event it
        /// gives renders to exactly these bytes (`JSONScanner`; `JSONScannerCanonicalTests`).
        public let scanJSON: @Sendable (UnsafeRawBufferPointer, JSONContext) -> DomainEvent?
        /// `scanJSON` for the object at the start of the bytes, which may go on after it (e.g.
        /// a line's `data` read in place): the event and the length of its object.
        public let scanJSONPrefix: @Sendable (UnsafeRawBufferPointer, JSONContext) -> (event: DomainEvent, length: Int)?

        public init<E: DomainEventPayload>(_ type: E.Type) {
            typeName = E.typeName
            schemaVersion = E.schemaVersion
            aggregate = E.aggregate
            fromJSON = { try E.fromJSON($0, path: "$", context: $1).domainEvent }
            let prefix: @Sendable (UnsafeRawBufferPointer, JSONContext) -> (event: DomainEvent, length: Int)? = { bytes, context in
                var scanner = JSONScanner(bytes)
                guard let e = E.scanJSON(&scanner, context: context) else { return nil }
                return (e.domainEvent, scanner.i)
            }
            scanJSONPrefix = prefix
            scanJSON = { bytes, context in prefix(bytes, context).flatMap { $0.length == bytes.count ? $0.event : nil } }
        }
    }

    static let index = TypeNameIndex(entries.map(\.typeName))

    /// The entry of a type name.
    public static func entry(named name: String) -> Entry? {
        var n = name
        return n.withUTF8 { entry(typeBytes: UnsafeRawBufferPointer($0)) }
    }

    /// The entry of a type name given as UTF-8 bytes (no String is created).
    public static func entry(typeBytes: UnsafeRawBufferPointer) -> Entry? {
        index.find(typeBytes).map { entries[$0] }
    }

    /// Decodes a payload of `type` written with `schemaVersion`.
    public static func decode(type: String, schemaVersion: UInt32, payload: UnsafeRawBufferPointer) throws -> DomainEvent {
        var name = type
        guard let i = name.withUTF8({ index.find(UnsafeRawBufferPointer($0)) }) else {
            throw EventDecodingError.unknownType(type)
        }
        return try decode(index: i, schemaVersion: schemaVersion, payload: payload)
    }

    /// Decodes a payload whose type name is given as UTF-8 bytes (e.g. `EventView.typeBytes`).
    public static func decode(typeBytes: UnsafeRawBufferPointer, schemaVersion: UInt32,
                              payload: UnsafeRawBufferPointer) throws -> DomainEvent {
        guard let i = index.find(typeBytes) else {
            throw EventDecodingError.unknownType(String(decoding: typeBytes, as: UTF8.self))
        }
        return try decode(index: i, schemaVersion: schemaVersion, payload: payload)
    }

    /// The catalogue index (the position in `entries`) of a type name given as UTF-8 bytes;
    /// nil for a type this build does not know. No allocation.
    public static func catalogueIndex(typeBytes: UnsafeRawBufferPointer) -> Int? {
        index.find(typeBytes)
    }

    /// The catalogue index of `E`: its position in `entries`.
    public static func catalogueIndex<E: DomainEventPayload>(of type: E.Type) -> Int {
        guard let i = entries.firstIndex(where: { $0.typeName == E.typeName }) else {
            preconditionFailure("\(E.typeName) is not in EventCatalogue.entries (tools/events-codegen/catalogue.py)")
        }
        return i
    }

    /// Decodes a payload of `E` written with `schemaVersion` straight into `E` (no
    /// `DomainEvent` around it), upcasting an older version first as `decode(typeBytes:…)` does.
    /// - Throws: `EventDecodingError.newerSchemaVersion` for a version newer than this build's,
    ///   `UpcastError` or `ProtoDecodingError` for a payload that cannot be read.
    public static func decode<E: DomainEventPayload>(_ type: E.Type, schemaVersion: UInt32,
                                                     payload: UnsafeRawBufferPointer) throws -> E {
        if schemaVersion == E.schemaVersion { return try E(payload: payload) }
        guard schemaVersion < E.schemaVersion else {
            throw EventDecodingError.newerSchemaVersion(type: E.typeName, version: schemaVersion, known: E.schemaVersion)
        }
        let upcast = try UpcasterRegistry.standard.upcast(type: E.typeName, payload: Array(payload),
                                                          from: schemaVersion, to: E.schemaVersion)
        return try E(payload: upcast)
    }

    /// Decodes a recorded event's payload.
    public static func decode(_ event: RecordedEvent) throws -> DomainEvent {
        try event.payload.withUnsafeBytes {
            try decode(type: event.type, schemaVersion: event.schemaVersion, payload: $0)
        }
    }

    @inline(__always)
    static func decode(index i: Int, schemaVersion: UInt32, payload: UnsafeRawBufferPointer) throws -> DomainEvent {
        let current = currentVersions[i]
        if schemaVersion == current { return try decodeCurrent(index: i, payload: payload) }
        let e = entries[i]
        guard schemaVersion < current else {
            throw EventDecodingError.newerSchemaVersion(type: e.typeName, version: schemaVersion, known: current)
        }
        let upcast = try UpcasterRegistry.standard.upcast(type: e.typeName, payload: Array(payload),
                                                          from: schemaVersion, to: current)
        return try upcast.withUnsafeBytes { try decodeCurrent(index: i, payload: $0) }
    }

    /// Parses an event's canonical JSON payload (see `DomainEvent.canonicalJSON`), always of the
    /// current schema version.
    public static func parseJSON(type: String, json: [UInt8], context: JSONContext = .sealed) throws -> DomainEvent {
        guard let e = entry(named: type) else { throw EventDecodingError.unknownType(type) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json), options: [.fragmentsAllowed])
        } catch {
            throw JSONImportError.invalidJSON(reason: "\(error)")
        }
        return try e.fromJSON(object, context)
    }
}

/// Finds a type name's entry index from its UTF-8 bytes: open addressing on a cheap hash, no
/// allocation per lookup.
struct TypeNameIndex: Sendable {
    private let names: [[UInt8]]
    private let slots: [Int32]
    private let mask: Int

    init(_ typeNames: [String]) {
        names = typeNames.map { Array($0.utf8) }
        var size = 16
        while size < names.count * 4 { size <<= 1 }
        mask = size - 1
        var slots = [Int32](repeating: -1, count: size)
        for (i, n) in names.enumerated() {
            var s = Int(truncatingIfNeeded: n.withUnsafeBytes { Self.hash($0) }) & mask
            while slots[s] >= 0 {
                precondition(names[Int(slots[s])] != n, "type name \(typeNames[i]) listed twice")
                s = (s + 1) & mask
            }
            slots[s] = Int32(i)
        }
        self.slots = slots
    }

    /// Length, first and last 8 bytes mixed; collisions are resolved by comparing the bytes.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h = UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            h ^= bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9
            h ^= bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        h = (h ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 32)
    }

    func find(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var s = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
        while true {
            let i = Int(slots[s])
            if i < 0 { return nil }
            if names[i].count == bytes.count,
               names[i].withUnsafeBytes({ bytes.count == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) {
                return i
            }
            s = (s + 1) & mask
        }
    }
}
