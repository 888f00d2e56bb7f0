import Events
import Foundation
import Testing

/// The one canonical JSON writer (`JSONWriter`, and `CanonicalJSON` on top of it) used by event
/// export, reports and the admin CLI: one escaping rule, sorted keys, fixed number forms.
@Suite struct CanonicalJSONValueTests {
    @Test func controlCharactersHaveOneEscapingRule() {
        // Given every control character plus quote and backslash
        let s = String(decoding: Array(0..<0x20) + [0x22, 0x5C], as: UTF8.self)
        // When written as a value and as a key
        let json = CanonicalJSON.object([s: .string(s)]).text
        // Then the short escapes are used where JSON has them and \u00xx (lowercase) elsewhere.
        let escaped = #""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f"#
            + #"\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\"\\""#
        #expect(json == "{\(escaped):\(escaped)}")
        // and a standard parser reads the same string back.
        let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
        #expect(parsed?[s] == s)
    }

    @Test func nonASCIIIncludingNonBMPIsWrittenAsUTF8() {
        let s = "Maastricht 🇳🇱 — Céramique 𝄞 \u{7F}"
        #expect(CanonicalJSON.string(s).bytes == Array("\"\(s)\"".utf8))
    }

    @Test func keysAreSortedByUTF8Bytes() {
        let json = CanonicalJSON.object(["é": .int(3), "b": .int(2), "a": .object(["z": .null, "Z": .bool(true)]), "😀": .int(4)]).text
        #expect(json == #"{"a":{"Z":true,"z":null},"b":2,"é":3,"😀":4}"#)
    }

    @Test func numbersHaveOneForm() {
        #expect(CanonicalJSON.double(-0.0).text == "0")
        #expect(CanonicalJSON.int(0).text == "0")
        #expect(CanonicalJSON.int(.min).text == "-9223372036854775808")
        #expect(CanonicalJSON.uint(.max).text == "18446744073709551615")
        #expect(CanonicalJSON.double(12.5).text == "12.5")
        #expect(CanonicalJSON.double(3.0).text == "3")
        #expect(CanonicalJSON.double(9_007_199_254_740_992).text == "9007199254740992")
        #expect(CanonicalJSON.double(1e20).text == "1e+20")
        #expect(CanonicalJSON.double(.nan).text == "null")
        #expect(CanonicalJSON.double(-.infinity).text == "null")
    }

    @Test func rawBytesAreEmbeddedAsTheyAre() {
        #expect(CanonicalJSON.array([.raw(Array(#"{"a":1}"#.utf8)), .string("x")]).text == #"[{"a":1},"x"]"#)
    }
}
