/// A value with a protobuf encoding described in `events.proto` and a canonical JSON form.
///
/// `encode(to:)` writes fields in number order, omits absent optionals and empty repeated fields,
/// and always writes required fields. `init(from:)` skips unknown fields (newer writers may add
/// some) and throws on a missing required field or a damaged payload.
public protocol ProtoMessage: Sendable, Hashable, JSONValue {
    init(from reader: inout ProtoReader) throws
    func encode(to writer: inout ProtoWriter)
    /// Reads the canonical JSON form `writeJSON` writes without a vault straight from its bytes;
    /// nil for anything else (generated; see `JSONScanner`).
    static func scanJSON(_ scanner: inout JSONScanner, context: JSONContext) -> Self?
}

extension ProtoMessage {
    /// The encoded message.
    public func encodePayload() -> [UInt8] {
        var w = ProtoWriter()
        encode(to: &w)
        return w.bytes
    }

    /// Decodes a message from borrowed bytes.
    public init(payload: UnsafeRawBufferPointer) throws {
        var r = ProtoReader(payload)
        try self.init(from: &r)
    }

    /// Decodes a message from a byte array.
    public init(payload: [UInt8]) throws {
        self = try payload.withUnsafeBytes { try Self(payload: $0) }
    }
}
