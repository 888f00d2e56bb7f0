/// Appends little-endian integers, LEB128 varints and length-prefixed bytes to a growable buffer.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        Varint.append(value, to: &bytes)
    }

    mutating func appendRaw<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    mutating func appendRaw(_ data: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: data)
    }

    /// A varint length followed by the bytes.
    mutating func appendLengthPrefixed<C: Collection>(_ data: C) where C.Element == UInt8 {
        appendVarint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    mutating func appendLengthPrefixed(_ string: String) {
        var s = string
        s.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Overwrites a fixed-width integer at `offset` (which must already exist).
    mutating func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for i in 0..<raw.count { bytes[offset + i] = raw[i] }
        }
    }
}

/// Reads what `ByteWriter` wrote from raw memory. Every read checks bounds and throws
/// `FormatError.truncated` instead of reading past the end.
struct ByteReader {
    let base: UnsafeRawPointer
    let end: Int
    var offset: Int

    init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) {
        self.base = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        self.end = buffer.count
        self.offset = offset
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(FormatError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= end else { throw .truncated }
        let v = T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return v
    }

    @inline(__always)
    mutating func readVarint() throws(FormatError) -> UInt64 {
        do throws(VarintError) {
            return try Varint.decode(base, offset: &offset, end: end)
        } catch {
            switch error {
            case .truncated: throw .truncated
            case .overflows: throw .malformed("varint overflows 64 bits")
            }
        }
    }

    @inline(__always)
    mutating func readBytes(_ count: Int) throws(FormatError) -> UnsafeRawBufferPointer {
        guard count >= 0, offset + count <= end else { throw .truncated }
        let slice = UnsafeRawBufferPointer(start: base + offset, count: count)
        offset += count
        return slice
    }

    @inline(__always)
    mutating func readLengthPrefixed() throws(FormatError) -> UnsafeRawBufferPointer {
        let n = try readVarint()
        guard n <= UInt64(end - offset) else { throw .truncated }
        let slice = UnsafeRawBufferPointer(start: base + offset, count: Int(n))
        offset += Int(n)
        return slice
    }
}

/// A structural problem found while decoding stored bytes.
enum FormatError: Error, CustomStringConvertible {
    case truncated
    case malformed(String)

    var description: String {
        switch self {
        case .truncated: return "record is truncated"
        case .malformed(let why): return why
        }
    }
}
