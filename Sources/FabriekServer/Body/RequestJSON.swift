import Foundation

/// Parses a request body (RFC 8259 JSON, UTF-8) into the values `JSONSerialization` gives —
/// `[String: Any]` (a repeated key: the last wins), `[Any]`, `String`, `NSNumber` (integers as
/// `Int64`, or `UInt64` above `Int64.max`; other numbers as `Double`; `true`/`false` as boolean
/// numbers) and `NSNull` — so `JSONObjectReader` reads both alike (`RequestJSONTests` compares
/// the two on valid and invalid documents).
///
/// Why not `JSONSerialization`: on Linux it took ~3% of a command's CPU under load (through
/// `NSString` and `NSNumber` bridging), and its error for any malformed body is "The data is not
/// in the correct format." This one names the line, column and what was expected there.
struct RequestJSON {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// Deeper nesting is refused (a 64 KiB body could otherwise nest deep enough to exhaust a
    /// thread's stack).
    static let maxDepth = 512

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Malformed) -> Any {
        var p = RequestJSON(bytes: bytes)
        if p.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.index = 3 }  // a UTF-8 byte order mark
        p.skipWhitespace()
        let value = try p.value(depth: 0)
        p.skipWhitespace()
        if p.index < p.bytes.count { throw p.error("expected the end of the document after its value") }
        return value
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private func error(_ what: String) -> Malformed {
        var line = 1
        var column = 1
        for b in bytes[..<min(index, bytes.count)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        let found = index < bytes.count ? "'\(Self.shown(bytes[index]))'" : "the end of the body"
        return Malformed(description: "line \(line), column \(column): \(what), found \(found)")
    }

    private static func shown(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7F ? String(UnicodeScalar(b)) : "\\u{\(String(b, radix: 16))}"
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(Malformed) -> Any {
        guard index < bytes.count else { throw error("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): try literal("true"); return NSNumber(value: true)
        case UInt8(ascii: "f"): try literal("false"); return NSNumber(value: false)
        case UInt8(ascii: "n"): try literal("null"); return NSNull()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected a value (an object, array, string, number, true, false or null)")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count,
              word.withUTF8Buffer({ w in (0..<n).allSatisfy { bytes[index + $0] == w[$0] } }) else {
            throw error("expected '\(word)'")
        }
        index += n
    }

    private mutating func object(depth: Int) throws(Malformed) -> [String: Any] {
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        index += 1  // {
        var result: [String: Any] = [:]
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return result
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key (a string in double quotes)") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
            index += 1
            skipWhitespace()
            result[key] = try value(depth: depth)
            skipWhitespace()
            guard index < bytes.count else { throw error("expected ',' or '}' in the object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return result
            default: throw error("expected ',' or '}' in the object")
            }
        }
    }

    private mutating func array(depth: Int) throws(Malformed) -> [Any] {
        guard depth <= Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
        index += 1  // [
        var result: [Any] = []
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return result
        }
        while true {
            skipWhitespace()
            result.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw error("expected ',' or ']' in the array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return result
            default: throw error("expected ',' or ']' in the array")
            }
        }
    }

    private mutating func string() throws(Malformed) -> String {
        index += 1  // "
        let start = index
        // Fast path: no escape before the closing quote.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: bytes[start..<index], as: UTF8.self) else {
                    index = start
                    throw error("expected UTF-8 text in the string")
                }
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("expected a control character to be escaped in the string") }
            index += 1
        }
        var out = [UInt8](bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else {
                    index = start
                    throw error("expected UTF-8 text in the string")
                }
                index += 1
                return s
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("expected the low surrogate of a \\u escape pair")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("expected a low surrogate (\\uDC00-\\uDFFF)") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("expected a high surrogate before a low one")
                    }
                    out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    index -= 1
                    throw error("expected an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)")
                }
            default:
                if b < 0x20 { throw error("expected a control character to be escaped in the string") }
                out.append(b)
                index += 1
            }
        }
        throw error("expected the closing '\"' of the string")
    }

    private mutating func hex4() throws(Malformed) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("expected four hexadecimal digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw error("expected four hexadecimal digits")
            }
            v = v << 4 | UInt32(d)
            index += 1
        }
        return v
    }

    private mutating func number() throws(Malformed) -> NSNumber {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
            throw error("expected a digit")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                throw error("expected no leading zero in a number")
            }
        } else {
            _ = digits()
        }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard digits() > 0 else { throw error("expected a digit after the decimal point") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral {
            if let i = Int64(text) { return NSNumber(value: i) }
            if let u = UInt64(text) { return NSNumber(value: u) }
        }
        guard let d = Double(text), d.isFinite else {
            index = start
            throw error("expected a number within the range of a double")
        }
        return NSNumber(value: d)
    }
}
