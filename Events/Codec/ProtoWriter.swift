import EventLog
import Foundation

/// Appends protobuf-encoded fields to a byte array.
///
/// Each method writes one field (key + value) in the layout `events.proto` documents: varints for
/// integers, bools, enums, days and times; length-delimited for strings, bytes, UUIDs (16 bytes)
/// and sub-messages. Sub-messages are written in place (no temporary buffers).
public struct ProtoWriter {
    /// The encoded bytes so far.
    public var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends a base-128 varint (`Varint`, the project's one varint codec).
    @inlinable public mutating func writeVarint(_ value: UInt64) {
        Varint.append(value, to: &bytes)
    }

    @inlinable public mutating func key(_ field: UInt32, _ wire: WireType) {
        writeVarint(UInt64(field) << 3 | UInt64(wire.rawValue))
    }

    @inlinable public mutating func bool(_ field: UInt32, _ v: Bool) {
        key(field, .varint)
        bytes.append(v ? 1 : 0)
    }
    @inlinable public mutating func int64(_ field: UInt32, _ v: Int64) {
        key(field, .varint)
        writeVarint(UInt64(bitPattern: v))
    }
    @inlinable public mutating func uint64(_ field: UInt32, _ v: UInt64) {
        key(field, .varint)
        writeVarint(v)
    }
    @inlinable public mutating func uint32(_ field: UInt32, _ v: UInt32) {
        key(field, .varint)
        writeVarint(UInt64(v))
    }
    /// int32 semantics: negative days are sign-extended to 10 bytes, as protobuf does.
    @inlinable public mutating func day(_ field: UInt32, _ v: Day) {
        key(field, .varint)
        writeVarint(UInt64(bitPattern: Int64(v.daysSinceEpoch)))
    }
    @inlinable public mutating func timestamp(_ field: UInt32, _ v: Timestamp) {
        key(field, .varint)
        writeVarint(UInt64(bitPattern: v.microsecondsSinceEpoch))
    }
    @inlinable public mutating func enumValue<E: ProtoEnum>(_ field: UInt32, _ v: E) {
        key(field, .varint)
        writeVarint(UInt64(bitPattern: Int64(v.protoNumber)))
    }
    @inlinable public mutating func bytes(_ field: UInt32, _ v: [UInt8]) {
        key(field, .lengthDelimited)
        writeVarint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }
    @inlinable public mutating func string(_ field: UInt32, _ v: String) {
        key(field, .lengthDelimited)
        var s = v
        s.withUTF8 { utf8 in
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
    @inlinable public mutating func country(_ field: UInt32, _ v: CountryCode) { string(field, v.rawValue) }
    /// 16 raw bytes in RFC 4122 order.
    @inlinable public mutating func uuid(_ field: UInt32, _ v: UUID) {
        key(field, .lengthDelimited)
        bytes.append(16)
        withUnsafeBytes(of: v.uuid) { bytes.append(contentsOf: $0) }
    }
    /// A sub-message, length-prefixed. The prefix is reserved as one byte and widened afterwards
    /// only when the message is 128 bytes or longer.
    @inlinable public mutating func message<M: ProtoMessage>(_ field: UInt32, _ v: M) {
        nested(field) { v.encode(to: &$0) }
    }

    /// A length-prefixed sub-message written by `body` (`message(_:_:)` for a `ProtoMessage`;
    /// also for a message that is not a type of its own, like the auditor's saved states).
    @inlinable public mutating func nested(_ field: UInt32, _ body: (inout ProtoWriter) -> Void) {
        key(field, .lengthDelimited)
        let lengthAt = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthAt - 1
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
        } else {
            var prefix = [UInt8]()
            var l = UInt64(length)
            while l >= 0x80 { prefix.append(UInt8(truncatingIfNeeded: l) | 0x80); l >>= 7 }
            prefix.append(UInt8(l))
            bytes.replaceSubrange(lengthAt..<(lengthAt + 1), with: prefix)
        }
    }

    /// Repeated uint32 as one packed field (nothing when empty).
    @inlinable public mutating func packedUint32s(_ field: UInt32, _ values: [UInt32]) {
        guard !values.isEmpty else { return }
        key(field, .lengthDelimited)
        writeVarint(UInt64(values.reduce(0) { $0 + Varint.size(of: UInt64($1)) }))
        for v in values { writeVarint(UInt64(v)) }
    }

    /// Repeated enum as one packed field of their numbers (nothing when empty).
    @inlinable public mutating func packedEnums<E: ProtoEnum>(_ field: UInt32, _ values: [E]) {
        guard !values.isEmpty else { return }
        key(field, .lengthDelimited)
        writeVarint(UInt64(values.reduce(0) { $0 + Varint.size(of: UInt64(bitPattern: Int64($1.protoNumber))) }))
        for v in values { writeVarint(UInt64(bitPattern: Int64(v.protoNumber))) }
    }
}
