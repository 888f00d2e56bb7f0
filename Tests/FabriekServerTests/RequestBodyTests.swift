import Events
@testable import FabriekServer
import Foundation
import Testing

/// Command bodies: parsed by `JSONParser` (its own tests: EventsTests/JSONParserTests), a
/// UTF-8 byte order mark skipped, and a malformed body refused with a 400 naming the line,
/// column and what was expected there.
@Suite(.serialized) struct RequestBodyTests {
    static func parse(_ bytes: [UInt8]) -> Result<Any, JSONImportError> {
        bytes.withUnsafeBytes { raw in Result { () throws(JSONImportError) in try RequestBody.parse(raw) } }
    }

    @Test("given a body that starts with a UTF-8 byte order mark, then it is read as without one")
    func byteOrderMarkSkipped() throws {
        let value = try Self.parse([0xEF, 0xBB, 0xBF] + Array(#"{"bom": 1}"#.utf8)).get()
        #expect((value as? [String: Any])?["bom"] as? Int == 1)
        // Only at the start.
        guard case .failure(let error) = Self.parse(Array(#"{"bom": 1}"#.utf8) + [0xEF, 0xBB, 0xBF]) else {
            Issue.record("accepted a byte order mark after the value")
            return
        }
        #expect("\(error)" == #"not valid JSON: line 1, column 11: expected nothing after the value, found '\u{ef}'"#)
    }

    @Test("given malformed bodies, then the error names the line, column and what was expected, positions counted after a byte order mark")
    func malformedNamed() {
        let cases: [([UInt8], String)] = [
            (Array(#"{"a": 1,}"#.utf8), "line 1, column 9: expected a key (a string in double quotes), found '}'"),
            (Array("{\n  \"a\": 1,\n  \"b\" 2\n}".utf8), "line 3, column 7: expected ':' after the key \"b\", found '2'"),
            ([0xEF, 0xBB, 0xBF] + Array(#"{"a": tru}"#.utf8), "line 1, column 7: expected 'true', found 't'"),
            (Array(#"{"a": "x"#.utf8), "line 1, column 9: expected the closing '\"' of the string, found the end of the body"),
            (Array(#"{"kind": "soleTrader", "kind": "partnership"}"#.utf8),
             #"line 1, column 24: the key "kind" is given twice in one object (give each key once)"#),
        ]
        for (body, expected) in cases {
            switch Self.parse(body) {
            case .success: Issue.record("accepted \(String(decoding: body, as: UTF8.self))")
            case .failure(let error): #expect("\(error)" == "not valid JSON: \(expected)")
            }
        }
    }

    @Test("given a command body with a key twice, then 400 naming the key, and nothing is written")
    func duplicateKeyOverHTTP() async throws {
        try await ServerHarness.run { h in
            let head = h.runtime.log.head().position
            let body = ServerHarness.registration(UUID(), kvk: "44556677").replacingOccurrences(of: "{", with: #"{"kind": "soleTrader", "#, options: [.anchored])
            let reply = try await h.call("POST", "/api/v1/members", role: .coordinator, body: body)
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.json["rule"] as? String == "json")
            #expect((reply.json["detail"] as? String)?.contains(#"the key "kind" is given twice in one object (give each key once)"#) == true,
                    "\(reply.text)")
            #expect(h.runtime.log.head().position == head)
        }
    }
}
