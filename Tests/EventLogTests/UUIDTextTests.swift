import EventLog
import Foundation
import Testing

/// `UUID(utf8:)` reads ids from import lines without Foundation's `sscanf`: it must accept
/// exactly what `UUID(uuidString:)` accepts and give the same id.
@Suite struct UUIDTextTests {
    static let texts = [
        "15dcfc1a-728b-4820-b408-8012f670aaba", "15DCFC1A-728B-4820-B408-8012F670AABA", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "15dcfc1a-728b-4820-b408-8012f670aab", "15dcfc1a-728b-4820-b408-8012f670aabaa",
        "15dcfc1a728b-4820-b408-8012f670aaba-", "15dcfc1a-728b-4820-b408-8012f670aabg", "15dcfc1a-728b-4820-b4088012f670aaba ",
        "", "{15dcfc1a-728b-4820-b408-8012f670aaba}", "15dcfc1a-728b-4820-b408-8012f670aa-a", "g5dcfc1a-728b-4820-b408-8012f670aaba",
        "15dcfc1a 728b 4820 b408 8012f670aaba", "15dcfc1a-728b-4820-b408-8012f670aab\u{e9}",
    ]

    @Test("given valid and malformed id texts, when parsed from UTF-8, then the same answer as UUID(uuidString:)", arguments: texts)
    func sameAnswerAsFoundation(_ text: String) {
        let parsed = Array(text.utf8).withUnsafeBytes { UUID(utf8: $0) }
        #expect(parsed == UUID(uuidString: text))
        #expect(UUID(text: text) == UUID(uuidString: text))
    }

    @Test("given 10,000 random ids, when written lower case and parsed, then the same ids")
    func randomIdsRoundTrip() {
        for _ in 0..<10_000 {
            let id = UUID()
            #expect(UUID(text: id.uuidString.lowercased()) == id)
        }
    }
}
