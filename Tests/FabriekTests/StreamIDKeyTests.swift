@testable import Fabriek
import Foundation
import Testing

/// The auditor keys an aggregate's state by `StreamIDKey` when the stream is an aggregate
/// prefix and a lower-case UUID: one key per such name, and no key for any other name (those
/// are kept by their text), so two different streams never share a state.
@Suite struct StreamIDKeyTests {
    @Test("given stream names, then a prefix and a lower-case UUID give a key of their own, anything else none")
    func keysAreExact() throws {
        let id = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
        let other = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6c"
        let tender = try #require(StreamIDKey("tender-" + id))
        #expect(StreamIDKey("tender-" + id) == tender)
        #expect(StreamIDKey("tender-" + other) != tender)
        #expect(StreamIDKey("member-" + id) != tender)
        for prefix in ["member-", "tender-", "consortium-", "xborder-", "activity-", "report-", "import-"] {
            #expect(StreamIDKey(prefix + id) != nil, "\(prefix)")
        }
        // Names kept by their text: another prefix, upper case, a missing or moved hyphen, other lengths.
        for name in ["goal-OPD-1-2030", "tenders-" + id, "tender-" + id.uppercased(), "tender-" + id.replacingOccurrences(of: "-", with: "x"),
                     "tender-" + id + "0", "tender-" + id.dropLast(), "tender" + id, id, "", "tender-{" + id.dropFirst(2) + "}"] {
            #expect(StreamIDKey(name) == nil, "\(name)")
        }
        // Every hex digit lands in the key: names differing in one digit have different keys.
        var keys = Set<StreamIDKey>()
        for k in id.indices where id[k] != "-" {
            var changed = id
            changed.replaceSubrange(k...k, with: id[k] == "0" ? "1" : "0")
            keys.insert(try #require(StreamIDKey("tender-" + changed)))
        }
        #expect(keys.count == 32)
        #expect(!keys.contains(tender))
    }
}
