@testable import FabriekServer
import Foundation
import Testing

/// Request bodies are parsed by `RequestJSON`, which must give what `JSONSerialization` gives
/// (the values `JSONObjectReader` reads) for every valid document, refuse what it refuses, and
/// say where a body is malformed.
@Suite struct RequestJSONTests {
    /// A value as text that tells every type apart (a boolean from a number, an integer from a
    /// double, the key order of objects aside).
    static func shape(_ v: Any) -> String {
        switch v {
        case let o as [String: Any]: return "{" + o.keys.sorted().map { "\($0)=\(shape(o[$0]!))" }.joined(separator: ",") + "}"
        case let a as [Any]: return "[" + a.map(shape).joined(separator: ",") + "]"
        case let s as String: return "s(\(s.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")))"
        case is NSNull: return "null"
        case let n as NSNumber:
            if ObjectIdentifier(type(of: n)) != ObjectIdentifier(NSNumber.self) && (n == NSNumber(value: true) || n == NSNumber(value: false)) {
                return "b(\(n.boolValue))"
            }
            let type = String(cString: n.objCType)
            return "n\(type == "d" || type == "f" ? "d" : "i")(\(n))"
        default: return "?\(type(of: v))"
        }
    }

    static func ours(_ text: String) -> Result<Any, RequestJSON.Malformed> {
        Array(text.utf8).withUnsafeBytes { buffer in Result { () throws(RequestJSON.Malformed) in try RequestJSON.parse(buffer) } }
    }

    static func foundation(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    static let valid = [
        #"{"lots": [1], "bidder": {"kind": "member", "id": "7a3f0000-0000-4000-8000-00000000000a"}, "priceCents": 100000, "priceBasis": "fixedPrice"}"#,
        #"{"headline": "Beschikbaar voor klussen, update 1-2", "languages": ["nl", "en"], "serviceBuurten": ["Wyck"], "serviceCountries": ["NL", "BE"]}"#,
        #"{}"#, #"[]"#, #" { "a" : [ ] , "b" : { } } "#, "\u{FEFF}{\"bom\": 1}",
        #"{"t": true, "f": false, "n": null, "z": 0, "neg": -0, "i": -42, "big": 9223372036854775807, "bigger": 12345678901234567890}"#,
        #"{"d": 1.5, "e": 1e2, "E": 2E-3, "dz": 1.0, "neg": -0.25, "exp": 1.5e+300}"#,
        #"{"esc": "a\"b\\c\/d\b\f\n\r\t", "u": "\u00e9\u20ac", "pair": "\ud83d\ude00", "raw": "Maastricht € 😀 é"}"#,
        #"{"dup": 1, "dup": "last"}"#, #""fragment""#, "12", "true", "null", #"[1, [2, [3, {"x": [4]}]]]"#,
    ]

    static let invalid = [
        "{", "}", #"{"a":}"#, #"{"a" 1}"#, #"{a: 1}"#, "[1 2]", #"{"a": 01}"#, #"{"a": 1.}"#,
        #"{"a": .5}"#, #"{"a": 1e}"#, #"{"a": +1}"#, #"{"a": tru}"#, #"{"a": "x"#, "{\"a\": \"tab\there\"}",
        #"{"a": "\x"}"#, #"{"a": "\u12"}"#, #"{"a": "\ud83d"}"#, #"{"a": "\ude00"}"#, #"{"a": 1} x"#, "{'a': 1}", "",
        #"{"a": NaN}"#, #"{"a": Infinity}"#, #"{"a": -}"#,
    ]

    /// Not JSON (RFC 8259), yet `JSONSerialization` on Linux takes them: refused now, with a 400
    /// naming the place.
    static let lenientlyTakenBefore = [#"{"a": 1,}"#, "[1,]"]

    @Test("given a trailing comma, which JSONSerialization on Linux let through, then it is refused as not JSON")
    func trailingCommaRefused() {
        for text in Self.lenientlyTakenBefore {
            if case .success(let value) = Self.ours(text) { Issue.record("accepted \(text) as \(Self.shape(value))") }
        }
        if case .failure(let error) = Self.ours(#"{"a": 1,}"#) {
            #expect(error.description == "line 1, column 9: expected a key (a string in double quotes), found '}'")
        }
    }

    @Test("given valid documents, then the values are those JSONSerialization gives, type for type")
    func validAsFoundation() throws {
        for text in Self.valid {
            let expected = try #require(Self.foundation(text), "JSONSerialization refuses \(text)")
            switch Self.ours(text) {
            case .success(let value): #expect(Self.shape(value) == Self.shape(expected), "\(text)")
            case .failure(let error): Issue.record("refused \(text): \(error)")
            }
        }
    }

    @Test("given malformed documents, then both refuse them, and the error names the line, column and what was expected")
    func invalidRefused() {
        for text in Self.invalid {
            #expect(Self.foundation(text) == nil, "JSONSerialization accepts \(text)")
            switch Self.ours(text) {
            case .success(let value): Issue.record("accepted \(text) as \(Self.shape(value))")
            case .failure(let error):
                #expect(error.description.hasPrefix("line 1, column "), "\(error)")
                #expect(error.description.contains("expected"), "\(error)")
            }
        }
        if case .failure(let error) = Self.ours("{\n  \"a\": 1,\n  \"b\" 2\n}") {
            #expect(error.description == "line 3, column 7: expected ':' after the key \"b\", found '2'")
        } else {
            Issue.record("accepted a missing ':'")
        }
    }

    @Test("given invalid UTF-8 in a string, then it is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(RequestJSON.Malformed) in try RequestJSON.parse(buffer) } }
        if case .success = result { Issue.record("accepted invalid UTF-8") }
    }

    @Test("given nesting deeper than the limit, then it is refused without exhausting the stack")
    func depthLimit() {
        let deep = String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        if case .success = Self.ours(deep) { Issue.record("accepted \(5_000) levels") }
        let fine = String(repeating: "[", count: RequestJSON.maxDepth) + String(repeating: "]", count: RequestJSON.maxDepth)
        if case .failure(let error) = Self.ours(fine) { Issue.record("refused \(RequestJSON.maxDepth) levels: \(error)") }
    }
}
