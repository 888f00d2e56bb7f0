import Events
import Foundation
import Testing

/// `JSONParser`, the parser of import lines and request bodies: it must give what
/// `JSONSerialization` gives (the values `JSONObjectReader` reads) for every valid document,
/// refuse what it refuses and more (trailing commas, a key given twice), and say where and what
/// was expected.
@Suite struct JSONParserTests {
    /// A value as text that tells every type apart (a boolean from a number, an integer from a
    /// double, the key order of objects aside).
    static func shape(_ v: Any) -> String {
        switch v {
        case let o as [String: Any]: return "{" + o.keys.sorted().map { "\($0)=\(shape(o[$0]!))" }.joined(separator: ",") + "}"
        case let a as [Any]: return "[" + a.map(shape).joined(separator: ",") + "]"
        case let s as String: return "s(\(s.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")))"
        case is NSNull: return "null"
        case let b as Bool where type(of: v) == Bool.self: return "b(\(b))"  // ours
        case let n as NSNumber:
            let type = String(cString: n.objCType)
            if type == "c" || type == "B" { return "b(\(n.boolValue))" }  // JSONSerialization's
            return "n\(type == "d" || type == "f" ? "d" : "i")(\(n))"
        default: return "?\(type(of: v))"
        }
    }

    static func ours(_ text: String) -> Result<Any, JSONParser.Failure> {
        Array(text.utf8).withUnsafeBytes { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
    }

    /// The failure as the server words it (`line L, column C: ...`).
    static func message(_ text: String) -> String? {
        guard case .failure(let error) = ours(text) else { return nil }
        return Array(text.utf8).withUnsafeBytes { error.message(in: $0, end: "the body") }
    }

    static func foundation(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    static let valid = [
        #"{"lots": [1], "bidder": {"kind": "member", "id": "7a3f0000-0000-4000-8000-00000000000a"}, "priceCents": 100000, "priceBasis": "fixedPrice"}"#,
        #"{"headline": "Beschikbaar voor klussen, update 1-2", "languages": ["nl", "en"], "serviceBuurten": ["Wyck"], "serviceCountries": ["NL", "BE"]}"#,
        #"{}"#, #"[]"#, #" { "a" : [ ] , "b" : { } } "#,
        #"{"t": true, "f": false, "n": null, "z": 0, "neg": -0, "i": -42, "big": 9223372036854775807, "bigger": 12345678901234567890}"#,
        #"{"d": 1.5, "e": 1e2, "E": 2E-3, "dz": 1.0, "neg": -0.25, "exp": 1.5e+300}"#,
        #"{"esc": "a\"b\\c\/d\b\f\n\r\t", "u": "\u00e9\u20ac", "pair": "\ud83d\ude00", "raw": "Maastricht € 😀 é"}"#,
        #""fragment""#, "12", "true", "null", #"[1, [2, [3, {"x": [4]}]]]"#, #"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#,
    ]

    static let invalid = [
        "{", "}", #"{"a":}"#, #"{"a" 1}"#, #"{a: 1}"#, "[1 2]", #"{"a": 01}"#, #"{"a": 1.}"#,
        #"{"a": .5}"#, #"{"a": 1e}"#, #"{"a": +1}"#, #"{"a": tru}"#, #"{"a": "x"#, "{\"a\": \"tab\there\"}",
        #"{"a": "\x"}"#, #"{"a": "\u12"}"#, #"{"a": "\ud83d"}"#, #"{"a": "\ude00"}"#, #"{"a": 1} x"#, "{'a': 1}", "",
        #"{"a": NaN}"#, #"{"a": Infinity}"#, #"{"a": -}"#, #"{"a": 1e999}"#, "\u{FEFF}{}",
    ]

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
            #expect(Self.foundation(text) == nil || text.hasPrefix("\u{FEFF}"), "JSONSerialization accepts \(text)")
            switch Self.ours(text) {
            case .success(let value): Issue.record("accepted \(text) as \(Self.shape(value))")
            case .failure:
                let message = Self.message(text) ?? ""
                #expect(message.hasPrefix("line 1, column "), "\(message)")
                #expect(message.contains("expected"), "\(message)")
            }
        }
        #expect(Self.message("{\n  \"a\": 1,\n  \"b\" 2\n}") == "line 3, column 7: expected ':' after the key \"b\", found '2'")
        #expect(Self.message(#"{"a": [1, 2"#) == "line 1, column 12: expected ',' or ']' in the array, found the end of the body")
        #expect(Self.message(#"{"a": "€\x"}"#) == #"line 1, column 9: expected an escape (\", \\, \/, \b, \f, \n, \r, \t or \uXXXX), found '\'"#)
    }

    @Test("given a trailing comma, which JSONSerialization on Linux lets through, then it is refused as not JSON")
    func trailingCommaRefused() {
        for text in [#"{"a": 1,}"#, "[1,]"] {
            if case .success(let value) = Self.ours(text) { Issue.record("accepted \(text) as \(Self.shape(value))") }
        }
        #expect(Self.message(#"{"a": 1,}"#) == "line 1, column 9: expected a key (a string in double quotes), found '}'")
        #expect(Self.message("[1,]") == "line 1, column 4: expected a value (an object, array, string, number, true, false or null), found ']'")
    }

    @Test("given a key twice in one object, which JSONSerialization takes (the last wins), then it is refused naming the key and where it is given again")
    func duplicateKeyRefused() {
        #expect(Self.foundation(#"{"dup": 1, "dup": "last"}"#) != nil)
        #expect(Self.message(#"{"dup": 1, "dup": "last"}"#) == #"line 1, column 12: the key "dup" is given twice in one object (give each key once)"#)
        #expect(Self.message(#"{"a": {"x": 1, "y": [{"x": 2, "x": 3}]}}"#)
            == #"line 1, column 31: the key "x" is given twice in one object (give each key once)"#)
        // The same key in different objects is fine.
        if case .failure(let error) = Self.ours(#"{"x": {"x": 1}, "y": [{"x": 2}, {"x": 3}]}"#) { Issue.record("\(error)") }
    }

    @Test("given invalid UTF-8 in a string, then it is refused")
    func invalidUTF8() {
        for bytes: [UInt8] in [Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), Array(#"{""#.utf8) + [0xFF] + Array(#"": 1}"#.utf8)] {
            let result = bytes.withUnsafeBytes { buffer in Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer) } }
            guard case .failure(let error) = result else { Issue.record("accepted invalid UTF-8"); continue }
            #expect(error.reason == "expected UTF-8 text in the string")
        }
    }

    @Test("given nesting deeper than the limit, then it is refused without exhausting the stack; the limit itself parses")
    func depthLimit() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let deep = String(repeating: open, count: 1_000_000) + String(repeating: close, count: 1_000_000)
            guard case .failure(let error) = Self.ours(deep) else { Issue.record("accepted a million levels"); continue }
            #expect(error.reason.contains("nested deeper than \(JSONParser.maximumDepth) levels"), "\(error)")
            let fine = String(repeating: open, count: JSONParser.maximumDepth) + "1" + String(repeating: close, count: JSONParser.maximumDepth)
            if case .failure(let error) = Self.ours(fine) { Issue.record("refused \(JSONParser.maximumDepth) levels: \(error)") }
        }
    }

    @Test("given strings of every length up to 40 with a quote, a backslash, a control character or a byte of 0x80 and up at every place, when read as a JSON string, then the end, the escape flag and the refusals are what a byte-by-byte reading finds")
    func stringScanMatchesByteByByte() throws {
        /// What a byte-by-byte reading of `content` after an opening quote gives: the content's
        /// end and whether it has an escape, or the offset and reason of its refusal.
        func reference(_ bytes: [UInt8]) -> String {
            var k = 1, escaped = false
            while k < bytes.count {
                let b = bytes[k]
                if b == 0x22 { return "end \(k) escaped \(escaped) next \(k + 1)" }
                if b == 0x5C { escaped = true; k += 2; continue }
                if b < 0x20 { return "refused at \(k): expected a control character to be escaped in the string" }
                k += 1
            }
            return "refused at \(min(k, bytes.count)): expected the closing '\"' of the string"
        }
        func scanned(_ bytes: [UInt8]) -> String {
            bytes.withUnsafeBytes { raw in
                var p = JSONParser(raw)
                do throws(JSONParser.Failure) {
                    let s = try p.stringBytes()
                    return "end \(s.end) escaped \(s.escaped) next \(p.i)"
                } catch {
                    return "refused at \(error.offset): \(error.reason)"
                }
            }
        }
        var checked = 0
        for length in 0...40 {
            for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x0A, 0x20, 0x7F, 0x80, 0xC3, 0xFF] {
                for at in 0...max(0, length - 1) {
                    var content = (0..<length).map { UInt8(0x61 + $0 % 26) }
                    if length > 0 { content[at] = special }
                    for tail: [UInt8] in [[0x22], [0x22, 0x7D], [], [0x5C]] {
                        let bytes = [0x22] + content + tail
                        #expect(scanned(bytes) == reference(bytes), "\(bytes)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 10_000)
    }
}
