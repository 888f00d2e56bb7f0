import Foundation
@testable import FabriekServer
import Projections
import Testing

/// `JSONWriter` writes what reflection and `JSONSerialization` wrote (the bodies' contract),
/// and the hand-written `JSONFields` rows list every field of their read-model type.
@Suite struct JSONWriterTests {
    /// The same JSON value, compared after parsing (key order and number spelling aside).
    static func sameJSON(_ a: [UInt8], _ b: Data) throws -> Bool {
        func canonical(_ data: Data) throws -> Data {
            try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
                                       options: [.sortedKeys, .fragmentsAllowed])
        }
        return try canonical(Data(a)) == canonical(b)
    }

    static func reflected(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: JSONResponse.plain(value), options: [.sortedKeys, .fragmentsAllowed])
    }

    static func written(_ value: Any) -> [UInt8] {
        var w = JSONWriter()
        w.value(value)
        return w.bytes
    }

    @Test("given nested dictionaries, arrays, optionals, text to escape and numbers, then the writer gives what JSONSerialization gave, keys sorted")
    func scalarsAndContainers() throws {
        let none: String? = nil
        let value: [String: Any] = [
            "text": "quote \" backslash \\ newline \n tab \t bell \u{07} é ✓", "int": 42, "negative": Int64(-7), "big": UInt64.max,
            "double": 2.5, "integral": 3.0, "flag": true, "nil": none as Any, "null": NSNull(), "uuid": UUID(uuidString: "0A0B0C0D-0000-4000-8000-00000000000A")!,
            "list": [1, 2, 3], "nested": ["b": [["z": 1, "a": false]], "a": "x"] as [String: Any], "empty": [String](),
        ]
        let bytes = Self.written(value)
        #expect(try Self.sameJSON(bytes, try Self.reflected(value)))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"big":18446744073709551615,"double":2.5,"empty":[],"flag":true,"int":42,"integral":3,"#))
        #expect(text.contains(#""uuid":"0a0b0c0d-0000-4000-8000-00000000000a""#))
        #expect(text.contains(#""nested":{"a":"x","b":[{"a":false,"z":1}]}"#))
        #expect(text.contains(#"\" backslash \\ newline \n tab \t bell \u0007 é ✓"#))
    }

    @Test("given the rows the hot read routes return, then each writes every field of its type, as reflection does")
    func readModelRows() async throws {
        try await ServerHarness.run { h in
            let published = try await h.call("POST", "/api/v1/tenders", role: .coordinator, body: ServerHarness.tenderBody)
            #expect(published.status == 201)
            let position = try #require(published.header("Fabriek-Position").flatMap { UInt64($0) })
            let members = try await h.runtime.runner.read("member-directory") { db in
                try MemberDirectory.search(db, MemberDirectory.Query(limit: 10)).listings
            }
            let tenders = try await h.runtime.runner.read("tender-board", atLeast: position, timeout: .seconds(300)) { db in
                try TenderBoard.openTenders(db, now: ServerHarness.now)
            }
            #expect(!members.isEmpty && !tenders.isEmpty, "the harness registered members and the test published a tender")
            for listing in members {
                #expect(try Self.sameJSON(Self.written(listing), try Self.reflected(listing)))
            }
            for tender in tenders {
                #expect(try Self.sameJSON(Self.written(tender), try Self.reflected(tender)))
            }
            let member = try #require(members.first), tender = try #require(tenders.first), lot = try #require(tender.lots.first)
            #expect(Mirror(reflecting: member).children.compactMap(\.label).sorted() == MemberDirectory.Listing.fieldNames)
            #expect(Mirror(reflecting: tender).children.compactMap(\.label).sorted() == TenderBoard.Listing.fieldNames)
            #expect(Mirror(reflecting: lot).children.compactMap(\.label).sorted() == TenderBoard.LotInfo.fieldNames)
        }
    }
}
