import Foundation
import Testing
@testable import fabriek_admin

/// The stream versions an import counts (`StreamVersionTable`): every stream keeps its own
/// version through the table's growth, keys that share a hash or a home are told apart, and the
/// table stays compact.
@Suite struct StreamVersionTableTests {
    @Test("given 300,000 streams set through the table's growth and a third of them set again, when each is looked up, then it gives its last version and a stream never set gives nil")
    func manyStreams() throws {
        var table = StreamVersionTable()
        var expected: [String: UInt64] = [:]
        for i in 0..<300_000 {
            let name = "tender-\(i)"
            try table.set(StreamVersionTable.key(name), UInt64(i % 17 + 1))
            expected[name] = UInt64(i % 17 + 1)
        }
        for i in stride(from: 0, to: 300_000, by: 3) {
            let name = "tender-\(i)"
            try table.set(StreamVersionTable.key(name), expected[name]! + 1)
            expected[name]! += 1
        }
        #expect(table.count == 300_000)
        for (name, version) in expected {
            #expect(table.version(StreamVersionTable.key(name)) == version, "\(name)")
        }
        for i in 0..<1_000 { #expect(table.version(StreamVersionTable.key("member-\(i)")) == nil) }
        // Between 4/7 and 4/5 full: at most 16 / (4/7) = 28 bytes a stream, ~23 on average.
        #expect(table.capacity * 16 <= table.count * 28)
    }

    @Test("given keys that share their 64-bit hash (other checks), their check (other hashes), or one part and one home, including the part's last slot, when set and looked up, then each keeps its own version")
    func collidingKeys() throws {
        var table = StreamVersionTable()
        var keys: [StreamVersionTable.Key] = []
        var base = StreamVersionTable.key("goal-OPD-1-2030")
        // The same hash, other checks.
        for c in 0..<40 {
            base.check = UInt32(c)
            keys.append(base)
        }
        // The same check, hashes of one part (the top 4 bits) that all start at its first
        // slot, or at its last (probing wraps around to the first).
        for h in 1...40 {
            var k = base
            k.hash = 0x7000_0000_0000_0000 | UInt64(h)
            keys.append(k)
            k.hash = 0x7FFF_FFFF_FFFF_FFFF - UInt64(h)
            keys.append(k)
        }
        for (n, key) in keys.enumerated() { try table.set(key, UInt64(n + 1)) }
        #expect(table.count == keys.count)
        for (n, key) in keys.enumerated() { #expect(table.version(key) == UInt64(n + 1), "key \(n)") }
        var absent = base
        absent.check = 1_000
        #expect(table.version(absent) == nil)
        // Many more keys in that same part: it grows while the crowded ones stay found.
        for h in 0..<20_000 {
            var k = base
            k.hash = 0x7000_0000_0000_0000 | ((UInt64(h) &* 0x9E37_79B9_7F4A_7C15) >> 4)
            k.check = 7
            try table.set(k, 9)
        }
        for (n, key) in keys.enumerated() { #expect(table.version(key) == UInt64(n + 1), "key \(n) after growth") }
    }

    @Test("given a stream past 2³² - 1 events, when its version is set, then the import refuses saying so")
    func versionBeyondCounting() throws {
        var table = StreamVersionTable()
        let key = StreamVersionTable.key("tender-1")
        try table.set(key, UInt64(UInt32.max))
        #expect(throws: AdminError.self) { try table.set(key, UInt64(UInt32.max) + 1) }
        #expect(table.version(key) == UInt64(UInt32.max))
    }
}

/// The ids an import has seen (`IDCandidateIndex`): every id inserted is a candidate with its
/// value, through the recent table's spills to sorted runs; the filter is sized to the ids
/// expected, not rounded up to a power of two.
@Suite struct IDCandidateIndexTests {
    @Test("given 400,000 ids inserted (spilled in runs), when each is asked for, then its value is among its candidates, and ids never inserted rarely have any")
    func candidates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let index = IDCandidateIndex(expected: 400_000, directory: directory, name: "test")
        var ids: [UUID] = []
        for n in 0..<400_000 {
            let id = UUID()
            ids.append(id)
            try index.insert(id, value: UInt64(n))
        }
        #expect(index.count == 400_000)
        for (n, id) in ids.enumerated() where n % 7 == 0 {
            #expect(try index.candidates(of: id).contains(UInt64(n)), "id \(n)")
        }
        var falsePositives = 0
        for _ in 0..<20_000 {
            if try !index.candidates(of: UUID()).isEmpty { falsePositives += 1 }
        }
        #expect(falsePositives < 100, "~0.1% of unknown ids pass the filter")
        // 16 bits an expected id, not rounded up: 800,000 bytes of filter (+ the recent table).
        #expect(index.residentBytes < 800_000 + 4_300_000 + 20_000)
    }
}
