/// Base-128 varints (LEB128, the protobuf encoding): the project's one varint codec, used by the
/// log's record format, the protobuf event codec and the bench's workload codec.
///
/// A value is written seven bits at a time, low bits first; every byte but the last has its high
/// bit set. A value takes 1 to 10 bytes (`size(of:)`). Decoding accepts exactly what fits in 64
/// bits: a tenth byte above 1 is refused (`VarintError.overflows`), never silently truncated.
///
/// Both directions are `@inlinable` so that the one-byte case (most field keys, lengths and small
/// numbers) compiles to a compare and a store/load at the call site in other modules.
public enum Varint {
    /// The most bytes a varint takes (a 64-bit value).
    public static let maxSize = 10

    /// The number of bytes `value` takes.
    @inlinable @inline(__always)
    public static func size(of value: UInt64) -> Int {
        value < 0x80 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    /// Hands the bytes of `value` to `emit`, first to last.
    @inlinable @inline(__always)
    public static func encode(_ value: UInt64, _ emit: (UInt8) -> Void) {
        var v = value
        while v >= 0x80 {
            emit(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        emit(UInt8(truncatingIfNeeded: v))
    }

    /// Appends the bytes of `value` to `bytes`.
    @inlinable @inline(__always)
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        encode(value) { bytes.append($0) }
    }

    /// Decodes the varint at `offset` in the memory `base[0..<end]` and moves `offset` past it.
    /// Reads nothing at or after `end`.
    ///
    /// - Throws: `VarintError.truncated` when the varint runs into `end`, `.overflows` when it
    ///   does not fit in 64 bits; `offset` is then unspecified.
    @inlinable @inline(__always)
    public static func decode(_ base: UnsafeRawPointer, offset: inout Int, end: Int) throws(VarintError) -> UInt64 {
        if offset < end {
            let first = base.load(fromByteOffset: offset, as: UInt8.self)
            if first < 0x80 {
                offset &+= 1
                return UInt64(first)
            }
        }
        return try decodeMultiByte(base, offset: &offset, end: end)
    }

    /// The rest of `decode`, out of line so that the one-byte case stays small where it is inlined.
    @inline(never) @usableFromInline
    static func decodeMultiByte(_ base: UnsafeRawPointer, offset: inout Int, end: Int) throws(VarintError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated }
            let byte = base.load(fromByteOffset: offset, as: UInt8.self)
            offset &+= 1
            if shift == 63 && byte > 1 { throw .overflows }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }
}

/// Why a varint could not be decoded.
public enum VarintError: Error, Sendable, Equatable {
    /// The input ends inside the varint.
    case truncated
    /// The varint is longer than 64 bits (a tenth byte above 1, or more than ten bytes).
    case overflows
}
