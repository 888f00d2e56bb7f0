import Foundation
import Testing

/// `export --salvage` on a log that refuses to open: every commit that still verifies, the lost
/// positions named, exit 4, and the store untouched.
@Suite struct SalvageExportTests {
    /// Every file under `path` with its bytes.
    static func snapshot(_ path: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: path)
        while let name = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDir), !isDir.boolValue {
                out[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
            }
        }
        return out
    }

    static func positions(_ file: String) throws -> [Int] {
        try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["position"] as! Int
        }
    }

    @Test func aFlippedByteMidLogBlocksExportButSalvageRecoversTheRest() throws {
        // Given the demo log with one byte flipped in the middle of its first segment,
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let full = temp.sub("full.jsonl")
        #expect(try Admin.run(["export", full, "--data", data]).status == 0)
        let all = try Self.positions(full)
        let segment = data + "/log/segments/0000000001.seg"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        bytes[bytes.count / 2] ^= 0x5A
        try bytes.write(to: URL(fileURLWithPath: segment))
        #expect(try Admin.run(["export", temp.sub("plain.jsonl"), "--data", data]).status != 0, "a normal export refuses")
        let before = try Self.snapshot(data)

        // when it is salvaged,
        let out = temp.sub("salvaged.jsonl")
        let r = try Admin.run(["export", out, "--salvage", "--data", data])

        // then exit 4 names the lost range and why, the file holds every other event in the
        // export format, and the data directory is byte for byte unchanged.
        #expect(r.status == 4, "\(r.stderr)")
        let lost = try #require(r.stderr.split(separator: "\n").first { $0.contains("NOT recovered") })
        #expect(lost.contains("0000000001.seg") && lost.contains("offset"), "\(lost)")
        let got = try Self.positions(out)
        #expect(!got.isEmpty && got.count < all.count)
        #expect(Set(got).isSubset(of: Set(all)))
        let missing = Set(all).subtracting(got).sorted()
        let first = try #require(missing.first), last = try #require(missing.last)
        #expect(missing.count == last - first + 1, "one contiguous commit is lost")
        #expect(lost.contains("\(first)...\(last)") || lost.contains("position \(first):"), "\(lost)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").first.map { String($0) }
                == (try String(contentsOfFile: full, encoding: .utf8)).split(separator: "\n").first.map { String($0) },
                "the same line format as export")
        #expect(try Self.snapshot(data) == before, "salvage writes nothing in the data directory")
    }

    /// (A missing segment file is covered by EventLogTests' Salvage suite, on a log of several
    /// segments; the demo log fits in one.)
    @Test func aTornTailIsNamedWithThePositionsItClaimed() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let head = try Admin.run(["log", "head", "--data", data]).stdout
        let headPosition = try #require(head.split(separator: " ").first.flatMap { Int($0) })
        let segments = try FileManager.default.contentsOfDirectory(atPath: data + "/log/segments").filter { $0.hasSuffix(".seg") }.sorted()
        let last = data + "/log/segments/" + segments.last!
        let size = try FileManager.default.attributesOfItem(atPath: last)[.size] as! Int
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: last))
        try handle.truncate(atOffset: UInt64(size - 7))
        try handle.close()

        let torn = try Admin.run(["export", temp.sub("torn.jsonl"), "--salvage", "--data", data])

        #expect(torn.status == 4, "\(torn.stderr)")
        let lost = try #require(torn.stderr.split(separator: "\n").first { $0.contains("NOT recovered") })
        #expect(lost.contains("incomplete") && lost.contains("...\(headPosition)"), "\(lost)")
        let got = try Self.positions(temp.sub("torn.jsonl"))
        #expect(got == Array(1...(got.last ?? 0)) && (got.last ?? 0) < headPosition)
    }

    @Test func anIntactLogIsSalvagedWholeWithExitZero() throws {
        let data = try DemoFixture.path()
        let temp = TemporaryDirectory()
        #expect(try Admin.run(["export", temp.sub("full.jsonl"), "--data", data]).status == 0)
        let r = try Admin.run(["export", temp.sub("salvaged.jsonl"), "--salvage", "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("NOT recovered"))
        #expect(try String(contentsOfFile: temp.sub("salvaged.jsonl"), encoding: .utf8)
                == (try String(contentsOfFile: temp.sub("full.jsonl"), encoding: .utf8)))
    }
}
