import EventLog
import Foundation
import Testing

/// `UUID(utf8:)` reads ids from import lines without Foundation's `sscanf`: it gives the same id
/// as `UUID(uuidString:)` for every well-formed text and nil for a malformed one (where
/// Foundation's `%2hhx` even takes "-a" as a hex byte).
@Suite struct UUIDTextTests {
    static let wellFormed = [
        "15dcfc1a-728b-4820-b408-8012f670aaba", "15DCFC1A-728B-4820-B408-8012F670AABA", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "15dcFC1a-728b-4820-B408-8012f670aaba",
    ]
    static let malformed = [
        "15dcfc1a-728b-4820-b408-8012f670aab", "15dcfc1a-728b-4820-b408-8012f670aabaa",
        "15dcfc1a728b-4820-b408-8012f670aaba-", "15dcfc1a-728b-4820-b408-8012f670aabg", "15dcfc1a-728b-4820-b4088012f670aaba ",
        "", "{15dcfc1a-728b-4820-b408-8012f670aaba}", "15dcfc1a-728b-4820-b408-8012f670aa-a", "g5dcfc1a-728b-4820-b408-8012f670aaba",
        "15dcfc1a 728b 4820 b408 8012f670aaba", "15dcfc1a-728b-4820-b408-8012f670aab\u{e9}", "+5dcfc1a-728b-4820-b408-8012f670aaba",
    ]

    @Test("given a well-formed id text, when parsed from UTF-8, then the id UUID(uuidString:) gives", arguments: wellFormed)
    func sameIdAsFoundation(_ text: String) throws {
        let parsed = Array(text.utf8).withUnsafeBytes { UUID(utf8: $0) }
        #expect(parsed == (try #require(UUID(uuidString: text))))
        #expect(UUID(text: text) == parsed)
    }

    @Test("given a malformed id text, when parsed, then nil", arguments: malformed)
    func malformedIsRefused(_ text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { UUID(utf8: $0) } == nil)
        #expect(UUID(text: text) == nil)
    }

    @Test("given 10,000 random ids, when written lower case and parsed, then the same ids")
    func randomIdsRoundTrip() {
        for _ in 0..<10_000 {
            let id = UUID()
            #expect(UUID(text: id.uuidString.lowercased()) == id)
        }
    }

    @Test("given every byte at every digit and dash place, when parsed, then an id only for a hex digit at a digit place")
    func everyByteAtEveryPlace() throws {
        let text = Array("0123abcd-89AB-cdef-4567-89abCDEF0123".utf8)
        let base = try #require(UUID(uuidString: String(decoding: text, as: UTF8.self)))
        let hex = Set("0123456789abcdefABCDEF".utf8)
        for place in 0..<36 {
            let dash = [8, 13, 18, 23].contains(place)
            for b in 0...255 {
                var t = text
                t[place] = UInt8(b)
                let parsed = t.withUnsafeBytes { UUID(utf8: $0) }
                if dash ? b == 0x2D : hex.contains(UInt8(b)) {
                    #expect(parsed == UUID(uuidString: String(decoding: t, as: UTF8.self)), "byte \(b) at \(place)")
                    #expect(parsed != nil)
                } else {
                    #expect(parsed == nil, "byte \(b) at \(place)")
                }
            }
        }
        #expect(text.withUnsafeBytes { UUID(utf8: $0) } == base)
    }
}
