import Events
import Foundation

/// A byte-level JSON parser for import lines, working on the line buffer in place: values come
/// out in the shapes the catalogue's `fromJSON` reads (as `JSONSerialization` gives them:
/// `[String: Any]`, `[Any]`, `String`, `NSNumber`, `Bool`, `NSNull`), without Foundation's
/// parser or a copy of the line. Strict RFC 8259: UTF-8 checked, no trailing commas, no
/// duplicate keys (a key given twice would drop one value silently), nothing after the value.
struct LineJSON {
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "not valid JSON at byte \(offset + 1): \(reason)" }
    }

    let bytes: UnsafeRawBufferPointer
    var i = 0
    /// Arrays and objects open around `i`: the parser recurses, so a line of a million `[` would
    /// overflow the stack; no catalogue event nests deeper than a few levels.
    var depth = 0
    static let maximumDepth = 64

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses `bytes` as one JSON value.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> Any {
        var p = LineJSON(bytes)
        let v = try p.value()
        try p.end()
        return v
    }

    func fail(_ reason: String) -> Failure { Failure(offset: i, reason: reason) }

    @inline(__always)
    mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D else { return }
            i += 1
        }
    }

    /// Only white space may follow.
    mutating func end() throws {
        skipSpace()
        guard i == bytes.count else { throw fail("text after the value") }
    }

    @inline(__always)
    mutating func peek() throws -> UInt8 {
        skipSpace()
        guard i < bytes.count else { throw fail("the text ends early") }
        return bytes[i]
    }

    /// Opens an array or object (the caller closes it with `depth -= 1`).
    mutating func enter() throws {
        guard depth < Self.maximumDepth else { throw fail("arrays and objects nested deeper than \(Self.maximumDepth) levels") }
        depth += 1
    }

    mutating func expect(_ b: UInt8, _ what: String) throws {
        guard try peek() == b else { throw fail("expected \(what)") }
        i += 1
    }

    mutating func value() throws -> Any {
        switch try peek() {
        case 0x7B: return try object()
        case 0x5B: return try array()
        case 0x22: return try string()
        case 0x74: try literal("true"); return true
        case 0x66: try literal("false"); return false
        case 0x6E: try literal("null"); return NSNull()
        case 0x2D, 0x30...0x39: return try number()
        default: throw fail("expected a value")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else {
            throw fail("expected \(word)")
        }
        i += n
    }

    /// Calls `body(keyBytes)` for each key with `i` at its value; `body` must consume the value.
    mutating func forEachMember(_ body: (inout LineJSON, UnsafeRawBufferPointer) throws -> Void) throws {
        try expect(0x7B, "{")
        try enter()
        defer { depth -= 1 }
        if try peek() == 0x7D { i += 1; return }
        while true {
            guard try peek() == 0x22 else { throw fail("expected a key in quotes") }
            let key = try stringBytes()
            try expect(0x3A, ":")
            try key.withBytes { try body(&self, $0) }
            let b = try peek()
            i += 1
            if b == 0x7D { return }
            guard b == 0x2C else { i -= 1; throw fail("expected , or }") }
        }
    }

    mutating func object() throws -> [String: Any] {
        var out: [String: Any] = [:]
        try forEachMember { p, key in
            let k = try Self.decodeString(key, at: p.i)
            let v = try p.value()
            guard out.updateValue(v, forKey: k) == nil else { throw p.fail("key \"\(k)\" is given twice") }
        }
        return out
    }

    mutating func array() throws -> [Any] {
        try expect(0x5B, "[")
        try enter()
        defer { depth -= 1 }
        var out: [Any] = []
        if try peek() == 0x5D { i += 1; return out }
        while true {
            out.append(try value())
            let b = try peek()
            i += 1
            if b == 0x5D { return out }
            guard b == 0x2C else { i -= 1; throw fail("expected , or ]") }
        }
    }

    /// A string's raw content (between the quotes), escapes still in; `i` after the closing quote.
    struct RawString {
        var start: Int
        var end: Int
        var escaped: Bool
        let base: UnsafeRawBufferPointer
        func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try body(UnsafeRawBufferPointer(rebasing: base[start..<end]))
        }
    }

    mutating func stringBytes() throws -> RawString {
        guard try peek() == 0x22 else { throw fail("expected a string") }
        let start = i + 1
        var k = start
        var escaped = false
        let count = bytes.count
        let base = bytes.baseAddress!
        while k < count {
            // Eight bytes at a time while none is a quote, a backslash or a control character.
            while k + 8 <= count {
                let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                if !Self.mayEndString(w) { k += 8 } else { break }
            }
            guard k < count else { break }
            let b = base.load(fromByteOffset: k, as: UInt8.self)
            if b == 0x22 {
                i = k + 1
                return RawString(start: start, end: k, escaped: escaped, base: bytes)
            }
            if b == 0x5C { escaped = true; k += 2; continue }
            if b < 0x20 {
                i = k
                throw fail("a control character inside a string (escape it)")
            }
            k += 1
        }
        i = k
        throw fail("a string is not closed")
    }

    /// Whether one of the eight bytes of `w` may be a quote, a backslash or below 0x20 (never
    /// false when one is; true may be wrong, the caller then looks byte by byte).
    @inline(__always)
    static func mayEndString(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let quote = hasZero(w ^ (ones &* 0x22))
        let backslash = hasZero(w ^ (ones &* 0x5C))
        let control = (w &- ones &* 0x20) & ~w & highs
        return (quote | backslash | control) != 0
    }

    mutating func string() throws -> String {
        let raw = try stringBytes()
        return try raw.withBytes { try Self.decodeString($0, escaped: raw.escaped, at: raw.start) }
    }

    /// The text of a string's raw content: escapes resolved, UTF-8 checked.
    static func decodeString(_ raw: UnsafeRawBufferPointer, escaped: Bool = true, at offset: Int) throws -> String {
        if !escaped || memchr(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, 0x5C, raw.count) == nil {
            // ASCII (checked 8 bytes at a time) is valid UTF-8: built without the generic validation.
            if JSONScanner.isASCII(raw) { return String(decoding: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw Failure(offset: offset, reason: "a string is not valid UTF-8")
            }
            return s
        }
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var k = 0
        func hex4() throws -> UInt32 {
            guard k + 4 < raw.count + 1, k + 4 <= raw.count else { throw Failure(offset: offset + k, reason: "a \\u escape needs 4 hex digits") }
            var v: UInt32 = 0
            for j in 0..<4 {
                let c = raw[k + j]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw Failure(offset: offset + k + j, reason: "a \\u escape needs 4 hex digits")
                }
                v = v << 4 | d
            }
            k += 4
            return v
        }
        while k < raw.count {
            let b = raw[k]
            guard b == 0x5C else { out.append(b); k += 1; continue }
            guard k + 1 < raw.count else { throw Failure(offset: offset + k, reason: "an escape ends the string") }
            let e = raw[k + 1]
            k += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    guard k + 1 < raw.count, raw[k] == 0x5C, raw[k + 1] == 0x75 else {
                        throw Failure(offset: offset + k, reason: "a lone UTF-16 surrogate in a \\u escape")
                    }
                    k += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw Failure(offset: offset + k, reason: "a lone UTF-16 surrogate in a \\u escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else {
                    throw Failure(offset: offset + k, reason: "a lone UTF-16 surrogate in a \\u escape")
                }
                out.append(contentsOf: String(Character(u)).utf8)
            default:
                throw Failure(offset: offset + k - 1, reason: "an unknown escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw Failure(offset: offset, reason: "a string is not valid UTF-8")
        }
        return s
    }

    /// The raw text of a number (checked against the JSON grammar).
    mutating func numberText() throws -> Range<Int> {
        _ = try peek()
        let start = i
        func digits() -> Int {
            let s = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            return i - s
        }
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }
        let intStart = i
        guard digits() > 0 else { throw fail("a number needs digits") }
        if bytes[intStart] == 0x30 && i - intStart > 1 { throw Failure(offset: intStart, reason: "a number with a leading zero") }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            guard digits() > 0 else { throw fail("a number needs digits after its point") }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard digits() > 0 else { throw fail("a number needs digits in its exponent") }
        }
        return start..<i
    }

    mutating func number() throws -> NSNumber {
        let r = try numberText()
        var negative = false
        var k = r.lowerBound
        if bytes[k] == 0x2D { negative = true; k += 1 }
        var magnitude: UInt64 = 0
        var plain = true
        while k < r.upperBound {
            let b = bytes[k]
            guard (0x30...0x39).contains(b) else { plain = false; break }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - 0x30))
            if o1 || o2 { plain = false; break }
            magnitude = a
            k += 1
        }
        if plain {
            if !negative { return magnitude <= UInt64(Int64.max) ? NSNumber(value: Int64(magnitude)) : NSNumber(value: magnitude) }
            if magnitude <= UInt64(Int64.max) { return NSNumber(value: -Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return NSNumber(value: Int64.min) }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw Failure(offset: r.lowerBound, reason: "a number out of range") }
        return NSNumber(value: d)
    }

    /// Skips one value, checking its grammar; returns its byte range. `checkingStrings: false`
    /// finds where strings end without resolving their escapes or checking their UTF-8 (for a
    /// value that is parsed in full afterwards).
    mutating func skipValue(checkingStrings: Bool = true) throws -> Range<Int> {
        _ = try peek()
        let start = i
        switch bytes[i] {
        case 0x7B: try forEachMember { p, _ in _ = try p.skipValue(checkingStrings: checkingStrings) }
        case 0x5B:
            i += 1
            try enter()
            defer { depth -= 1 }
            if try peek() == 0x5D { i += 1; break }
            while true {
                _ = try skipValue(checkingStrings: checkingStrings)
                let b = try peek()
                i += 1
                if b == 0x5D { break }
                guard b == 0x2C else { i -= 1; throw fail("expected , or ]") }
            }
        case 0x22:
            if checkingStrings { _ = try string() } else { _ = try stringBytes() }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case 0x2D, 0x30...0x39: _ = try numberText()
        default: throw fail("expected a value")
        }
        return start..<i
    }
}
