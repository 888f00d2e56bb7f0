import Foundation

/// Writes canonical JSON: no insignificant whitespace, keys in the order the caller gives them
/// (generated code gives them sorted by their UTF-8 bytes), strings escaped minimally
/// (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`; everything else,
/// including non-ASCII, as UTF-8), integers in decimal. Equal values give equal bytes.
public struct JSONWriter {
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8]
    @usableFromInline var needsComma = false

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the writer for another value, keeping its buffer.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes `"key":`; the next call writes the value.
    public mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    public mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        JSONWriter.appendDecimal(value.magnitude, to: &bytes)
        needsComma = true
    }

    public mutating func uint(_ value: UInt64) {
        separate()
        JSONWriter.appendDecimal(value, to: &bytes)
        needsComma = true
    }

    /// Writes a UUID as a JSON string, lower case, 8-4-4-4-12 (as `uuidString.lowercased()`).
    public mutating func uuid(_ value: UUID) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        JSONWriter.appendUUID(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Writes a JSON string whose ASCII text `body` appends (e.g. a formatted date); `body`
    /// must append only printable ASCII other than `"` and `\\`.
    public mutating func asciiString(_ body: (inout [UInt8]) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        body(&bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Writes bytes as a JSON string of their standard base64 (`Base64`: the text
    /// `Data(bytes).base64EncodedString()` has, without making it).
    public mutating func base64(_ value: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        value.withUnsafeBytes { Base64.append($0, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// Writes already-encoded ASCII (e.g. a formatted date) as a JSON string.
    public mutating func asciiString(_ ascii: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: ascii)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Writes a number. Integral values within ±2^53 are written as integers (so `-0.0` is `0`),
    /// other finite values in Swift's shortest round-trip form (`12.5`, `1e+20`), and NaN and
    /// infinities as `null` (JSON has no such numbers).
    public mutating func double(_ value: Double) {
        separate()
        if !value.isFinite {
            bytes.append(contentsOf: "null".utf8)
        } else if value == value.rounded(), abs(value) <= 9_007_199_254_740_992 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
        needsComma = true
    }

    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes bytes that already are one JSON value (e.g. an event's canonical JSON).
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Writes an array of values.
    public mutating func array<T: JSONValue>(_ values: [T], context: JSONContext) throws {
        beginArray()
        for v in values { try v.writeJSON(to: &self, context: context) }
        endArray()
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private mutating func appendQuoted(_ s: String) {
        JSONWriter.appendQuoted(s, to: &bytes)
    }

    /// Appends `s` as a JSON string: the one escaping rule of every JSON this code base writes.
    public static func appendQuoted(_ s: String, to bytes: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &bytes) }
    }

    /// Appends UTF-8 bytes as a JSON string, escaped as `appendQuoted(_:to:)` escapes.
    public static func appendQuoted(_ utf8: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var plain = 0  // bytes of `utf8` before `plain` are appended
        for (k, c) in utf8.enumerated() where c < 0x20 || c == 0x22 || c == 0x5C {
            if k > plain { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[plain..<k])) }
            plain = k + 1
            bytes.append(0x5C)
            switch c {
            case 0x22, 0x5C: bytes.append(c)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(UInt8(ascii: "u"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "0"))
                bytes.append(hexDigit(c >> 4))
                bytes.append(hexDigit(c & 0xF))
            }
        }
        if utf8.count > plain { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[plain...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }

    /// Appends `v` in decimal, without building a `String`.
    public static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var n = 0
        var v = v
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[23 - n] = 0x30 + UInt8(v % 10); v /= 10; n += 1 }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
        }
    }

    /// Appends the id in lower case, 8-4-4-4-12 (as `uuidString.lowercased()`), without quotes.
    public static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { b in
            for k in 0..<16 {
                if k == 4 || k == 6 || k == 8 || k == 10 { out.append(0x2D) }
                out.append(hexDigit(b[k] >> 4))
                out.append(hexDigit(b[k] & 0xF))
            }
        }
    }
}
