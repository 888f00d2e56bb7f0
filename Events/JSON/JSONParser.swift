import Foundation

/// The one JSON parser of Fabriek for text from outside (import lines, request bodies): a
/// byte-level parser working on the caller's buffer in place. Values come out in the shapes the
/// catalogue's `fromJSON` reads (those `JSONSerialization` gives: `[String: Any]`, `[Any]`,
/// `String`, `NSNumber` — integers as `Int64`, or `UInt64` above `Int64.max`, other numbers as
/// `Double` —, `Bool`, `NSNull`), without Foundation's parser or a copy of the text.
///
/// Strict RFC 8259: UTF-8 checked, no trailing commas, nothing after the value, and a key given
/// twice in one object is refused (keeping either value would drop the other silently).
/// Arrays and objects nest at most `maximumDepth` levels (the parser recurses: a line of a
/// million `[` would overflow the stack). A failure carries the byte offset and what was
/// expected; `Failure.message(in:)` says it as line and column.
///
/// Used by `fabriek-admin import` (each line: `FILE:LINE: not valid JSON at column C: ...`),
/// and by the server for command bodies (`line L, column C: ...`, a 400).
public struct JSONParser {
    public struct Failure: Error, CustomStringConvertible {
        /// The byte offset (0-based) in the parsed text where the problem is.
        public var offset: Int
        /// What was expected there (or the rule broken), e.g. `expected ':' after the key "b"`.
        public var reason: String
        /// Whether the byte at `offset` is worth naming (`, found '}'`): a grammar error.
        public var namesFound: Bool

        public init(offset: Int, reason: String, namesFound: Bool = true) {
            self.offset = offset
            self.reason = reason
            self.namesFound = namesFound
        }

        /// Without the text: the byte offset, 1-based.
        public var description: String { "at byte \(offset + 1): \(reason)" }

        /// The 1-based line and column of `offset` in `bytes` (columns count characters: the
        /// bytes that do not continue a UTF-8 sequence).
        public func location(in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
            var line = 1, column = 1
            for b in bytes[..<min(offset, bytes.count)] {
                if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
            }
            return (line, column)
        }

        /// `reason`, then what stands at `offset` (`found '}'`, or `found the end of END`).
        public func reason(in bytes: UnsafeRawBufferPointer, end: String) -> String {
            guard namesFound else { return reason }
            guard offset < bytes.count else { return "\(reason), found the end of \(end)" }
            let b = bytes[offset]
            let shown = b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\u{\(String(b, radix: 16))}"
            return "\(reason), found '\(shown)'"
        }

        /// `line L, column C: reason, found X` (for a document of several lines).
        public func message(in bytes: UnsafeRawBufferPointer, end: String = "the text") -> String {
            let (line, column) = location(in: bytes)
            return "line \(line), column \(column): \(reason(in: bytes, end: end))"
        }
    }

    public let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public var i = 0
    /// Arrays and objects open around `i`.
    public var depth = 0
    public static let maximumDepth = 64

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses `bytes` as one JSON value (white space around it allowed).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Any {
        var p = JSONParser(bytes)
        let v = try p.value()
        try p.end()
        return v
    }

    /// A failure at `i` (kept out of line: the hot paths only branch to it).
    @inline(never)
    public func fail(_ reason: String) -> Failure { Failure(offset: i, reason: reason) }

    @usableFromInline @inline(never)
    static func fail(at offset: Int, _ reason: String, namesFound: Bool = true) -> Failure {
        Failure(offset: offset, reason: reason, namesFound: namesFound)
    }

    @inlinable @inline(__always)
    public mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            guard b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D else { return }
            i += 1
        }
    }

    /// Only white space may follow.
    @inlinable
    public mutating func end() throws(Failure) {
        skipSpace()
        guard i == bytes.count else { throw fail("expected nothing after the value") }
    }

    /// The next byte after white space, 0 at the end of the text (the caller's refusal then
    /// names the end: a 0 byte is never valid outside a string either).
    @inlinable @inline(__always)
    public mutating func peek() -> UInt8 {
        skipSpace()
        return i < bytes.count ? bytes[i] : 0
    }

    /// Opens an array or object (the caller closes it with `depth -= 1`).
    @inlinable
    public mutating func enter() throws(Failure) {
        guard depth < Self.maximumDepth else {
            throw fail("arrays and objects nested deeper than \(Self.maximumDepth) levels (the limit of this parser)")
        }
        depth += 1
    }

    public mutating func value() throws(Failure) -> Any {
        switch peek() {
        case 0x7B: return try object()
        case 0x5B: return try array()
        case 0x22: return try string()
        case 0x74: try literal("true"); return true
        case 0x66: try literal("false"); return false
        case 0x6E: try literal("null"); return NSNull()
        case 0x2D, 0x30...0x39: return try number()
        default: throw fail("expected a value (an object, array, string, number, true, false or null)")
        }
    }

    @inlinable
    public mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else {
            throw fail("expected '\(word)'")
        }
        i += n
    }

    /// Calls `body(&parser, keyBytes)` for each key, with `i` at its value; `body` must read
    /// the value. The key's bytes are its raw content (escapes unresolved: `decodeKey`).
    @inlinable
    public mutating func forEachMember(_ body: (inout JSONParser, UnsafeRawBufferPointer) throws(Failure) -> Void) throws(Failure) {
        guard peek() == 0x7B else { throw fail("expected an object") }
        i += 1
        try enter()
        defer { depth -= 1 }
        if peek() == 0x7D { i += 1; return }
        while true {
            guard peek() == 0x22 else { throw fail("expected a key (a string in double quotes)") }
            let key = try stringBytes()
            guard peek() == 0x3A else { throw fail(key.withBytes { "expected ':' after the key \"\(Self.shownKey($0))\"" }) }
            i += 1
            try key.withBytes { (k: UnsafeRawBufferPointer) throws(Failure) in try body(&self, k) }
            if try closes(0x7D, "expected ',' or '}' in the object") { return }
        }
    }

    /// After a member or an element: steps past the comma (false) or the container's closing
    /// byte `close` (true); anything else fails with `expected`.
    @inlinable
    mutating func closes(_ close: UInt8, _ expected: String) throws(Failure) -> Bool {
        let b = peek()
        guard b == 0x2C || b == close else { throw fail(expected) }
        i += 1
        return b == close
    }

    /// A key's raw bytes as text for a message (escapes and invalid UTF-8 shown as they are).
    @usableFromInline
    static func shownKey(_ raw: UnsafeRawBufferPointer) -> String {
        String(decoding: raw, as: UTF8.self)
    }

    /// A key given twice in one object (its raw bytes at `keyStart`, the offset after its
    /// opening quote).
    @usableFromInline @inline(never)
    static func keyGivenTwice(_ raw: UnsafeRawBufferPointer, at keyStart: Int) -> Failure {
        Failure(offset: keyStart - 1, reason: "the key \"\(shownKey(raw))\" is given twice in one object (give each key once)",
                namesFound: false)
    }

    /// The offset of `key` (bytes inside this parser's text) after its opening quote.
    @inlinable
    public func offset(of key: UnsafeRawBufferPointer) -> Int {
        bytes.baseAddress!.distance(to: key.baseAddress ?? bytes.baseAddress!)
    }

    /// The failure for a key of this text given twice.
    public func keyGivenTwice(_ key: UnsafeRawBufferPointer) -> Failure {
        Self.keyGivenTwice(key, at: offset(of: key))
    }

    /// A key's text (escapes resolved, UTF-8 checked).
    @inlinable
    public func decodeKey(_ key: UnsafeRawBufferPointer) throws(Failure) -> String {
        try Self.decodeString(key, at: offset(of: key))
    }

    public mutating func object() throws(Failure) -> [String: Any] {
        var out: [String: Any] = [:]
        try forEachMember { (p: inout JSONParser, key: UnsafeRawBufferPointer) throws(Failure) in
            let k = try p.decodeKey(key)
            let v = try p.value()
            guard out.updateValue(v, forKey: k) == nil else { throw p.keyGivenTwice(key) }
        }
        return out
    }

    public mutating func array() throws(Failure) -> [Any] {
        var out: [Any] = []
        try forEachElement { (p: inout JSONParser) throws(Failure) in out.append(try p.value()) }
        return out
    }

    /// Calls `body(&parser)` for each element of an array, with `i` at it; `body` must read it.
    @inlinable
    public mutating func forEachElement(_ body: (inout JSONParser) throws(Failure) -> Void) throws(Failure) {
        guard peek() == 0x5B else { throw fail("expected an array") }
        i += 1
        try enter()
        defer { depth -= 1 }
        if peek() == 0x5D { i += 1; return }
        while true {
            try body(&self)
            if try closes(0x5D, "expected ',' or ']' in the array") { return }
        }
    }

    /// A string's raw content (between the quotes), escapes still in; `i` after the closing quote.
    public struct RawString {
        public var start: Int
        public var end: Int
        public var escaped: Bool
        public let base: UnsafeRawBufferPointer

        @inlinable
        public init(start: Int, end: Int, escaped: Bool, base: UnsafeRawBufferPointer) {
            self.start = start
            self.end = end
            self.escaped = escaped
            self.base = base
        }

        @inlinable
        public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
            try body(UnsafeRawBufferPointer(rebasing: base[start..<end]))
        }
    }

    @inlinable
    public mutating func stringBytes() throws(Failure) -> RawString {
        guard peek() == 0x22 else { throw fail("expected a string") }
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
                throw fail("expected a control character to be escaped in the string")
            }
            k += 1
        }
        i = min(k, count)
        throw fail("expected the closing '\"' of the string")
    }

    /// Whether one of the eight bytes of `w` may be a quote, a backslash or below 0x20 (never
    /// false when one is; true may be wrong, the caller then looks byte by byte).
    @inlinable @inline(__always)
    public static func mayEndString(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = ((w ^ (ones &* 0x22)) &- ones) & ~(w ^ (ones &* 0x22)) & highs
        let backslash = ((w ^ (ones &* 0x5C)) &- ones) & ~(w ^ (ones &* 0x5C)) & highs
        let control = (w &- ones &* 0x20) & ~w & highs
        return (quote | backslash | control) != 0
    }

    public mutating func string() throws(Failure) -> String {
        let raw = try stringBytes()
        return try raw.withBytes { (b: UnsafeRawBufferPointer) throws(Failure) in
            try Self.decodeString(b, escaped: raw.escaped, at: raw.start)
        }
    }

    /// The text of a string's raw content (at `offset` of the text): escapes resolved, UTF-8 checked.
    @inlinable
    public static func decodeString(_ raw: UnsafeRawBufferPointer, escaped: Bool = true, at offset: Int) throws(Failure) -> String {
        if !escaped || memchr(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, 0x5C, raw.count) == nil {
            // ASCII (checked 8 bytes at a time) is valid UTF-8: built without the generic validation.
            if JSONScanner.isASCII(raw) { return String(decoding: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw fail(at: offset, "expected UTF-8 text in the string", namesFound: false)
            }
            return s
        }
        return try decodeEscaped(raw, at: offset)
    }

    @usableFromInline
    static func decodeEscaped(_ raw: UnsafeRawBufferPointer, at offset: Int) throws(Failure) -> String {
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var k = 0
        func hex4() throws(Failure) -> UInt32 {
            guard k + 4 <= raw.count else { throw fail(at: offset + k, "expected four hexadecimal digits after \\u") }
            var v: UInt32 = 0
            for j in 0..<4 {
                let c = raw[k + j]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail(at: offset + k + j, "expected four hexadecimal digits after \\u")
                }
                v = v << 4 | d
            }
            k += 4
            return v
        }
        while k < raw.count {
            let b = raw[k]
            guard b == 0x5C else { out.append(b); k += 1; continue }
            guard k + 1 < raw.count else { throw fail(at: offset + k, "expected an escape after the backslash") }
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
                        throw fail(at: offset + k, "expected the low surrogate of a \\u escape pair (\\uDC00-\\uDFFF)")
                    }
                    k += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw fail(at: offset + k - 6, "expected the low surrogate of a \\u escape pair (\\uDC00-\\uDFFF)")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let u = Unicode.Scalar(scalar) else {
                    throw fail(at: offset + k - 6, "expected a high surrogate (\\uD800-\\uDBFF) before a low one")
                }
                out.append(contentsOf: String(Character(u)).utf8)
            default:
                throw fail(at: offset + k - 2, "expected an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw fail(at: offset, "expected UTF-8 text in the string", namesFound: false)
        }
        return s
    }

    /// The raw text of a number (checked against the JSON grammar).
    @inlinable
    public mutating func numberText() throws(Failure) -> Range<Int> {
        skipSpace()
        let start = i
        if i < bytes.count, bytes[i] == 0x2D { i += 1 }
        let intStart = i
        while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
        guard i > intStart else { throw fail("expected a digit") }
        if bytes[intStart] == 0x30 && i - intStart > 1 { throw Self.fail(at: intStart + 1, "expected no leading zero in a number") }
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            let s = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            guard i > s else { throw fail("expected a digit after the decimal point") }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            let s = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            guard i > s else { throw fail("expected a digit in the exponent") }
        }
        return start..<i
    }

    public mutating func number() throws(Failure) -> NSNumber {
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
        guard let d = Double(text), d.isFinite else { throw Self.fail(at: r.lowerBound, "expected a number within the range of a double") }
        return NSNumber(value: d)
    }

    /// Skips one value, checking its grammar; returns its byte range. `checkingStrings: false`
    /// finds where strings end without resolving their escapes or checking their UTF-8 (for a
    /// value that is parsed in full afterwards). Keys of an object are not compared (a key
    /// given twice is found when the value is parsed in full).
    @inlinable
    public mutating func skipValue(checkingStrings: Bool = true) throws(Failure) -> Range<Int> {
        let first = peek()
        let start = i
        switch first {
        case 0x7B:
            try forEachMember { (p: inout JSONParser, _: UnsafeRawBufferPointer) throws(Failure) in
                _ = try p.skipValue(checkingStrings: checkingStrings)
            }
        case 0x5B:
            try forEachElement { (p: inout JSONParser) throws(Failure) in _ = try p.skipValue(checkingStrings: checkingStrings) }
        case 0x22:
            if checkingStrings { _ = try string() } else { _ = try stringBytes() }
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case 0x2D, 0x30...0x39: _ = try numberText()
        default: throw fail("expected a value (an object, array, string, number, true, false or null)")
        }
        return start..<i
    }
}
