import Foundation
import Testing
@testable import Fabriek

/// The auditor's scratch store (`AuditSpill`): what is stored is what is loaded, through
/// updates in place, removals, the index's growth (which makes earlier slots stale), records
/// read back from the file past the write buffer, and a record larger than the buffer.
@Suite struct AuditSpillTests {
    func scratchPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString).audit").path
    }

    func key(_ n: Int) -> [UInt8] {
        // Keys as the auditor's tables write them: a table byte, then 17 bytes (or a name).
        n % 7 == 0 ? [9] + Array("goal-LER-\(n)-2026".utf8) : [UInt8(1 + n % 5)] + withUnsafeBytes(of: UInt64(n).bigEndian, Array.init) + [UInt8](repeating: UInt8(n % 251), count: 9)
    }

    func value(_ n: Int, version: Int) -> [UInt8] {
        (0..<(n % 300)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n &+ version) }
    }

    @Test("given 200,000 keys stored, a third updated through their slots, a third through a search and some removed, when each is loaded, then every value is the last one stored and removed keys are gone")
    func storesAndLoadsThroughGrowth() throws {
        let path = scratchPath()
        let spill = try AuditSpill(path: path)
        var expected: [Int: [UInt8]] = [:]
        var slots: [Int: AuditSpill.Slot] = [:]
        let n = 200_000
        for i in 0..<n {
            slots[i] = spill.store(key(i), value(i, version: 0), at: nil, absent: true)
            expected[i] = value(i, version: 0)
        }
        #expect(spill.count == n)
        #expect(spill.fileBytes > UInt64(AuditSpill.bufferSize) * 3, "records must reach the file, not stay in the buffer")
        // Slots handed out early went stale when the index grew: the store searches then.
        for i in stride(from: 0, to: n, by: 3) {
            slots[i] = spill.store(key(i), value(i, version: 1), at: slots[i])
            expected[i] = value(i, version: 1)
        }
        for i in stride(from: 1, to: n, by: 3) {
            slots[i] = spill.store(key(i), value(i, version: 2), at: nil)
            expected[i] = value(i, version: 2)
        }
        for i in stride(from: 2, to: n, by: 30) {
            spill.remove(key(i), at: i % 60 == 2 ? slots[i] : nil)
            expected[i] = nil
        }
        #expect(spill.count == expected.count)
        for i in 0..<n {
            let loaded = spill.load(key(i))
            #expect(loaded?.value == expected[i], "key \(i)")
        }
        #expect(spill.load([1, 2, 3]) == nil)
        #expect(spill.failure == nil)
    }

    @Test("given a value larger than the write buffer among small ones, when loaded, then it and its neighbours come back whole")
    func largeRecord() throws {
        let spill = try AuditSpill(path: scratchPath())
        let big = (0..<(AuditSpill.bufferSize + 1000)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        spill.store(key(1), value(1, version: 0), at: nil, absent: true)
        spill.store(key(2), big, at: nil, absent: true)
        spill.store(key(3), value(3, version: 0), at: nil, absent: true)
        #expect(spill.load(key(1))?.value == value(1, version: 0))
        #expect(spill.load(key(2))?.value == big)
        #expect(spill.load(key(3))?.value == value(3, version: 0))
    }

    @Test("given keys of a stream name's longest (1,024 bytes) beside short ones, when stored and loaded, then each comes back under its own key")
    func longKeys() throws {
        let spill = try AuditSpill(path: scratchPath())
        let long = [UInt8(1), 1] + [UInt8](repeating: UInt8(ascii: "x"), count: 1_024)
        var longer = long
        longer[1_000] = UInt8(ascii: "y")
        spill.store(long, value(1, version: 0), at: nil, absent: true)
        spill.store(longer, value(2, version: 0), at: nil, absent: true)
        spill.store(key(3), value(3, version: 0), at: nil, absent: true)
        #expect(spill.load(long)?.value == value(1, version: 0))
        #expect(spill.load(longer)?.value == value(2, version: 0))
        #expect(spill.load(key(3))?.value == value(3, version: 0))
        #expect(spill.failure == nil)
    }

    @Test("given values of every length from 0 to 3,000 bytes (past what a read asks for first), written to the file, when loaded, then each comes back whole")
    func recordsOfEveryLength() throws {
        let spill = try AuditSpill(path: scratchPath())
        let values = (0...3_000).map { n in (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ n) } }
        for (n, v) in values.enumerated() { spill.store(key(n), v, at: nil, absent: true) }
        // Push them past the write buffer, so that they are read back from the file.
        for n in 0..<3_000 { spill.store(key(100_000 + n), [UInt8](repeating: 1, count: 2_000), at: nil, absent: true) }
        #expect(spill.fileBytes > UInt64(AuditSpill.bufferSize))
        for (n, v) in values.enumerated() { #expect(spill.load(key(n))?.value == v, "length \(n)") }
        #expect(spill.failure == nil)
    }

    @Test("given 300,000 keys, when stored, then the index in memory takes at most 14 bytes a key (8-byte slots, at least 4/7 in use)")
    func compactIndex() throws {
        let spill = try AuditSpill(path: scratchPath())
        for i in 0..<300_000 { spill.store(key(i), [UInt8(i & 0xFF)], at: nil, absent: true) }
        #expect(spill.count == 300_000)
        #expect(spill.indexBytes <= 300_000 * 14)
        for i in stride(from: 0, to: 300_000, by: 97) { #expect(spill.load(key(i))?.value == [UInt8(i & 0xFF)]) }
    }

    @Test("given a store, when it goes, then its file is deleted")
    func fileIsDeleted() throws {
        let path = scratchPath()
        do {
            let spill = try AuditSpill(path: path)
            for i in 0..<50_000 { spill.store(key(i), value(i, version: 0), at: nil, absent: true) }
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
