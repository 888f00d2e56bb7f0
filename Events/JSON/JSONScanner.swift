import EventLog
import Foundation

/// Reads canonical JSON (what `JSONWriter` writes for an event: no white space, keys in their
/// canonical order, minimal escapes) straight into typed values, without the `Any` tree
/// `fromJSON` reads. The fast path of `import` for exported lines: every read returns nil for
/// anything else (other key order, white space, an escape, a null, a plaintext personal-data
/// object), and the caller then parses the bytes the general way (`fromJSON`), which also
/// names what is wrong.
///
/// What it reads is canonical: whenever it gives a value, that value's canonical rendering
/// (`JSONWriter`, without a vault) is exactly the bytes it read: integers without a sign on
/// zero, ids in lower case, days and times in their one form, canonical base64, a sealed field
/// never empty (that renders as "erased"), and strings with no byte `JSONWriter` escapes. So a
/// scanned event needs no rendering to be compared with its line (`JSONScannerCanonicalTests`
/// checks this over generated samples of every type and forms near them).
public struct JSONScanner {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var i: Int
    /// True after a complete value (or a member), so the next member or element needs a comma.
    @usableFromInline var needsComma = false

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        i = 0
    }

    /// True when every byte was read.
    public var atEnd: Bool { i == bytes.count }

    @inline(__always) @usableFromInline
    func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }

    @inline(__always)
    mutating func separate() -> Bool {
        guard needsComma else { return true }
        guard peek() == UInt8(ascii: ",") else { return false }
        i += 1
        return true
    }

    /// Reads `{`.
    public mutating func open() -> Bool {
        guard peek() == UInt8(ascii: "{") else { return false }
        i += 1
        needsComma = false
        return true
    }

    /// Reads `}`.
    public mutating func close() -> Bool {
        guard peek() == UInt8(ascii: "}") else { return false }
        i += 1
        needsComma = true
        return true
    }

    /// Reads `"name":` when it comes next (after a comma when a member came before); false,
    /// reading nothing, when another key or the end of the object comes next.
    public mutating func key(_ name: StaticString) -> Bool {
        let start = i
        let hadComma = needsComma
        guard separate() else { return false }
        let n = name.utf8CodeUnitCount
        guard i + n + 3 <= bytes.count, bytes[i] == UInt8(ascii: "\""), bytes[i + n + 1] == UInt8(ascii: "\""),
              bytes[i + n + 2] == UInt8(ascii: ":"),
              memcmp(bytes.baseAddress! + i + 1, name.utf8Start, n) == 0 else {
            i = start
            needsComma = hadComma
            return false
        }
        i += n + 3
        needsComma = false
        return true
    }

    /// The raw bytes of a string without escapes; nil for anything else.
    @inline(__always)
    mutating func rawString() -> UnsafeRawBufferPointer? {
        guard separate(), peek() == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var k = start
        while k < bytes.count {
            let b = bytes[k]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            k += 1
        }
        guard k < bytes.count else { return nil }
        i = k + 1
        needsComma = true
        return UnsafeRawBufferPointer(rebasing: bytes[start..<k])
    }

    public mutating func string() -> String? {
        guard let raw = rawString() else { return nil }
        // ASCII (checked 8 bytes at a time) is valid UTF-8: built without the generic validation.
        if Self.isASCII(raw) { return String(decoding: raw, as: UTF8.self) }
        return String(validating: raw, as: UTF8.self)
    }

    /// True when every byte is below 0x80 (ASCII is valid UTF-8), checked 8 bytes at a time.
    @inlinable @inline(__always)
    public static func isASCII(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard let base = raw.baseAddress else { return true }
        let n = raw.count
        var k = 0
        var bits: UInt64 = 0
        while k + 8 <= n {
            bits |= base.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            k += 8
        }
        while k < n {
            bits |= UInt64(raw[k])
            k += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    /// Lower case only (`UUID(utf8:)` also reads upper case, which renders otherwise).
    public mutating func uuid() -> UUID? {
        guard let raw = rawString(), let id = UUID(utf8: raw) else { return nil }
        // The 36 bytes are digits (0x30-0x39), dashes (0x2D) and letters a-f (0x61-0x66) or
        // A-F (0x41-0x46): upper case is bit 6 set with bit 5 clear, tested 8 bytes at a time.
        let b = raw.baseAddress!
        @inline(__always) func upper(_ k: Int) -> UInt64 {
            let w = b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            return w >> 1 & ~w
        }
        let any = upper(0) | upper(8) | upper(16) | upper(24) | upper(28)
        return any & 0x2020_2020_2020_2020 == 0 ? id : nil
    }

    public mutating func bool() -> Bool? {
        guard separate() else { return nil }
        if bytes.count - i >= 4, memcmp(bytes.baseAddress! + i, "true", 4) == 0 {
            i += 4
            needsComma = true
            return true
        }
        if bytes.count - i >= 5, memcmp(bytes.baseAddress! + i, "false", 5) == 0 {
            i += 5
            needsComma = true
            return false
        }
        return nil
    }

    /// Decimal digits (an optional minus before them), no leading zero: magnitude and sign.
    @inline(__always)
    mutating func integer() -> (magnitude: UInt64, negative: Bool)? {
        guard separate() else { return nil }
        var k = i
        var negative = false
        if k < bytes.count, bytes[k] == UInt8(ascii: "-") { negative = true; k += 1 }
        let digits = k
        var v: UInt64 = 0
        while k < bytes.count {
            let d = bytes[k] &- 0x30
            guard d < 10 else { break }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            v = a
            k += 1
        }
        // No leading zero, and no minus on zero ("-0" renders as "0").
        guard k > digits, !(bytes[digits] == UInt8(ascii: "0") && (k - digits > 1 || negative)) else { return nil }
        if let b = peekAt(k), b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") { return nil }
        i = k
        needsComma = true
        return (v, negative)
    }

    @inline(__always)
    func peekAt(_ k: Int) -> UInt8? { k < bytes.count ? bytes[k] : nil }

    public mutating func int64() -> Int64? {
        guard let (m, negative) = integer() else { return nil }
        if negative { return m <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- m) : nil }
        return Int64(exactly: m)
    }

    public mutating func uint64() -> UInt64? {
        guard let (m, negative) = integer(), !negative else { return nil }
        return m
    }

    public mutating func uint32() -> UInt32? {
        uint64().flatMap { UInt32(exactly: $0) }
    }

    /// Exactly `YYYY-MM-DD` (a year 0000-9999, a real date), read from its bytes.
    public mutating func day() -> Day? {
        guard let raw = rawString(), let days = ISO8601.parseDate(raw) else { return nil }
        return Day(daysSinceEpoch: Int32(days))
    }

    /// Exactly `YYYY-MM-DDTHH:MM:SS.ffffffZ` (six fraction digits, UTC: the one form
    /// `JSONWriter` writes for a year 0000-9999), read from its bytes.
    public mutating func timestamp() -> Timestamp? {
        guard let raw = rawString() else { return nil }
        return Self.instant(raw)
    }

    /// The instant of exactly `YYYY-MM-DDTHH:MM:SS.ffffffZ`; nil for anything else (another
    /// number of fraction digits, an offset, white space).
    public static func instant(_ raw: UnsafeRawBufferPointer) -> Timestamp? {
        raw.count == ISO8601.instantLength ? ISO8601.parseInstant(raw) : nil
    }

    /// Standard base64 with padding, in its canonical form only (`Base64.decodeCanonical`:
    /// the form `JSONWriter.base64` writes).
    public mutating func bytesValue() -> [UInt8]? {
        rawString().flatMap { Base64.decodeCanonical($0) }
    }

    public mutating func country() -> CountryCode? {
        string().map { CountryCode(rawValue: $0) }
    }

    public mutating func protoEnum<E: ProtoEnum>(_ type: E.Type) -> E? {
        string().flatMap { E(rawValue: $0) }
    }

    /// A sealed field as it renders without a vault: `"erased"` or `{"sealed":"<base64>"}`.
    public mutating func sealed() -> SealedData? {
        if peekAfterComma() == UInt8(ascii: "\"") {
            guard let raw = rawString(), raw.count == 6, memcmp(raw.baseAddress!, "erased", 6) == 0 else { return nil }
            return .erased
        }
        // Empty bytes are the erased marker, which renders as "erased", not as this.
        guard separate(), open(), key("sealed"), let b = bytesValue(), !b.isEmpty, close() else { return nil }
        return SealedData(bytes: b)
    }

    @inline(__always)
    func peekAfterComma() -> UInt8? { peekAt(needsComma ? i + 1 : i) }

    /// A message's canonical object.
    public mutating func message<M: ProtoMessage>(_ type: M.Type, context: JSONContext) -> M? {
        guard separate() else { return nil }
        needsComma = false
        return M.scanJSON(&self, context: context)
    }

    /// An array whose elements `element` reads.
    public mutating func array<T>(_ element: (inout JSONScanner) -> T?) -> [T]? {
        guard separate(), peek() == UInt8(ascii: "[") else { return nil }
        i += 1
        needsComma = false
        var out: [T] = []
        while peek() != UInt8(ascii: "]") {
            guard let v = element(&self) else { return nil }
            out.append(v)
        }
        i += 1
        needsComma = true
        return out
    }
}
