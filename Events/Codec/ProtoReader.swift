import EventLog
import Foundation

/// A cursor over one protobuf message in borrowed memory.
///
/// Reads field keys with `nextField()` and then exactly one value of the announced wire type
/// (or `skip`). Nothing is copied except what a value needs (Strings, byte arrays). The buffer
/// must outlive the reader. Every read is bounds-checked and throws `ProtoDecodingError` on
/// damaged input; it never traps. Invalid UTF-8 in a string field is repaired (U+FFFD), not
/// refused.
public struct ProtoReader {
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline var index: Int
    @usableFromInline let end: Int

    /// A reader over `buffer` (the whole buffer is one message).
    @inlinable public init(_ buffer: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; it is never dereferenced then.
        self.base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 0x10)!
        self.index = 0
        self.end = buffer.count
    }

    /// True when every byte was consumed.
    @inlinable public var isAtEnd: Bool { index >= end }

    /// The next field's number and wire type; nil at the end of the message.
    @inlinable public mutating func nextField() throws -> (UInt32, WireType)? {
        if index >= end { return nil }
        let key = try readVarint()
        guard key >> 3 != 0, key >> 3 <= UInt64(UInt32.max) >> 3,
              let wire = WireType(rawValue: UInt8(key & 7)), wire != .startGroup, wire != .endGroup
        else { throw ProtoDecodingError.malformedKey(key) }
        return (UInt32(truncatingIfNeeded: key >> 3), wire)
    }

    /// Skips the value of a field of wire type `wire` (used for unknown fields).
    @inlinable public mutating func skip(_ wire: WireType) throws {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw ProtoDecodingError.malformedKey(UInt64(wire.rawValue))
        }
    }

    // MARK: primitives

    @inlinable mutating func advance(_ n: Int) throws {
        guard end - index >= n else { throw ProtoDecodingError.truncated }
        index += n
    }

    /// Reads a base-128 varint (`Varint`, the project's one varint codec).
    @inlinable @inline(__always) public mutating func readVarint() throws -> UInt64 {
        do throws(VarintError) {
            return try Varint.decode(base, offset: &index, end: end)
        } catch {
            throw Self.decodingError(error)
        }
    }

    @usableFromInline static func decodingError(_ error: VarintError) -> ProtoDecodingError {
        switch error {
        case .truncated: return .truncated
        case .overflows: return .malformedVarint
        }
    }

    /// Reads a length prefix and returns the bytes it covers (borrowed from the buffer).
    @inlinable public mutating func readLengthDelimited() throws -> UnsafeRawBufferPointer {
        let length = try readVarint()
        guard length <= UInt64(end - index) else { throw ProtoDecodingError.truncated }
        let start = index
        index += Int(length)
        return UnsafeRawBufferPointer(start: base + start, count: Int(length))
    }

    @inlinable func check(_ wire: WireType, _ expected: WireType) throws {
        if wire != expected {
            throw ProtoDecodingError.wrongWireType(expected: expected.rawValue, actual: wire.rawValue)
        }
    }

    // MARK: typed values (each checks the wire type)

    @inlinable public mutating func varintValue(_ wire: WireType) throws -> UInt64 {
        try check(wire, .varint)
        return try readVarint()
    }

    @inlinable public mutating func bool(_ wire: WireType) throws -> Bool { try varintValue(wire) != 0 }
    @inlinable public mutating func int64(_ wire: WireType) throws -> Int64 {
        Int64(bitPattern: try varintValue(wire))
    }
    @inlinable public mutating func uint64(_ wire: WireType) throws -> UInt64 { try varintValue(wire) }
    @inlinable public mutating func uint32(_ wire: WireType) throws -> UInt32 {
        UInt32(truncatingIfNeeded: try varintValue(wire))
    }
    @inlinable public mutating func day(_ wire: WireType) throws -> Day {
        Day(daysSinceEpoch: Int32(truncatingIfNeeded: try varintValue(wire)))
    }
    @inlinable public mutating func timestamp(_ wire: WireType) throws -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64(bitPattern: try varintValue(wire)))
    }

    /// A length-delimited field's bytes, borrowed.
    @inlinable public mutating func bytesBuffer(_ wire: WireType) throws -> UnsafeRawBufferPointer {
        try check(wire, .lengthDelimited)
        return try readLengthDelimited()
    }
    @inlinable public mutating func bytes(_ wire: WireType) throws -> [UInt8] { Array(try bytesBuffer(wire)) }
    @inlinable public mutating func string(_ wire: WireType) throws -> String {
        Self.string(try bytesBuffer(wire))
    }

    /// The String of UTF-8 `bytes`, invalid sequences repaired (U+FFFD): `String(decoding:as:)`'s
    /// value. Up to 15 bytes (Swift's inline small-string form, most strings of the domain's
    /// events) they are copied into the string as it is built, and ASCII needs no validation
    /// pass: `String(decoding:as:)` validated first, then built the string, ~150 instructions per
    /// string more (callgrind, typed replay). `ProtobufRoundTripTests` compares the two.
    @inlinable @inline(__always) public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = bytes.count
        if count <= 15 {
            if count == 0 { return "" }
            return String(unsafeUninitializedCapacity: count) { out in
                UnsafeMutableRawBufferPointer(out).copyMemory(from: bytes)
                return count
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    /// NL, BE and DE are the common case: they reuse constant strings (no UTF-8 validation).
    @inlinable public mutating func country(_ wire: WireType) throws -> CountryCode {
        let b = try bytesBuffer(wire)
        if b.count == 2 {
            switch b.loadUnaligned(as: UInt16.self).littleEndian {
            case 0x4C4E: return .nl  // "NL"
            case 0x4542: return .be  // "BE"
            case 0x4544: return .de  // "DE"
            default: break
            }
        }
        return CountryCode(rawValue: Self.string(b))
    }
    /// A UUID as 16 raw bytes (RFC 4122 byte order); no text parsing.
    @inlinable public mutating func uuid(_ wire: WireType) throws -> UUID {
        let b = try bytesBuffer(wire)
        guard b.count == 16 else { throw ProtoDecodingError.invalidUUID(length: b.count) }
        return Self.uuid(b.loadUnaligned(as: uuid_t.self))
    }

    /// `UUID(uuid:)` without its call: Foundation's initialiser is not inlinable, and passing
    /// the 16 bytes as 16 arguments cost ~100 instructions per id (callgrind, typed replay).
    /// `UUID` is a struct whose one stored property is its `uuid_t`, so the bytes are the
    /// value (`unsafeBitCast` checks the sizes; `ProtobufRoundTripTests` compares the two).
    @inlinable @inline(__always) public static func uuid(_ bytes: uuid_t) -> UUID {
        unsafeBitCast(bytes, to: UUID.self)
    }
    @inlinable public mutating func enumValue<E: ProtoEnum>(_ wire: WireType, as: E.Type) throws -> E {
        let n = Int32(truncatingIfNeeded: try varintValue(wire))
        guard let e = E(protoNumber: n) else {
            throw ProtoDecodingError.unknownEnumValue(enum: String(describing: E.self), number: n)
        }
        return e
    }
    @inlinable public mutating func message<M: ProtoMessage>(_ wire: WireType, as: M.Type) throws -> M {
        var sub = ProtoReader(try bytesBuffer(wire))
        return try M(from: &sub)
    }

    // MARK: repeated varints (packed or not, both accepted)

    /// The number of varints in the rest of a packed field (bytes without the continuation bit).
    @inlinable var varintCount: Int {
        var n = 0
        var i = index
        while i < end {
            if base.load(fromByteOffset: i, as: UInt8.self) < 0x80 { n += 1 }
            i += 1
        }
        return n
    }

    @inlinable public mutating func appendUint32s(_ wire: WireType, to array: inout [UInt32]) throws {
        if wire == .lengthDelimited {
            var sub = ProtoReader(try readLengthDelimited())
            array.reserveCapacity(array.count + sub.varintCount)
            while !sub.isAtEnd { array.append(UInt32(truncatingIfNeeded: try sub.readVarint())) }
        } else {
            array.append(try uint32(wire))
        }
    }

    @inlinable public mutating func appendEnums<E: ProtoEnum>(_ wire: WireType, to array: inout [E]) throws {
        if wire == .lengthDelimited {
            var sub = ProtoReader(try readLengthDelimited())
            array.reserveCapacity(array.count + sub.varintCount)
            while !sub.isAtEnd { array.append(try sub.enumValue(.varint, as: E.self)) }
        } else {
            array.append(try enumValue(wire, as: E.self))
        }
    }
}
