import Foundation
import Testing

@Suite struct LogCommandTests {
    @Test func headPrintsPositionAndHash() throws {
        let data = try DemoFixture.path()
        let r = try Admin.run(["log", "head", "--data", data])
        #expect(r.status == 0)
        let parts = r.stdout.trimmingCharacters(in: .newlines).split(separator: " ")
        #expect(parts.count == 2)
        #expect(UInt64(parts[0]) ?? 0 > 1000)
        #expect(parts[1].count == 64)
        let json = try Admin.run(["log", "head", "--json", "--data", data])
        #expect(json.stdout.contains("\"position\":\(parts[0])"))
    }

    @Test func verifyIntactAndUpToDigest() throws {
        let data = try DemoFixture.path()
        let head = try Admin.run(["log", "head", "--data", data]).stdout.trimmingCharacters(in: .newlines)
        let r = try Admin.run(["log", "verify", "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("intact"))
        let digest = head.replacingOccurrences(of: " ", with: ":")
        #expect(try Admin.run(["log", "verify", "--digest", digest, "--data", data]).status == 0)
        let wrong = String(digest.dropLast()) + (digest.hasSuffix("0") ? "1" : "0")
        let bad = try Admin.run(["log", "verify", "--digest", wrong, "--data", data])
        #expect(bad.status == 1)
        let usage = try Admin.run(["log", "verify", "--digest", "nonsense", "--data", data])
        #expect(usage.status == 2)
    }

    @Test func verifyFailsAfterAByteOfASegmentChanges() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let segments = data + "/log/segments"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: segments).sorted().first)
        let path = segments + "/" + name
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let offset = bytes.count / 2
        bytes[offset] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try Admin.run(["log", "verify", "--data", data])
        #expect(r.status != 0)
        #expect(r.stderr.contains("position"), "\(r.stderr)")
        #expect(r.stdout.hasPrefix("FAILED"))
    }

    @Test func statsCountEventsByType() throws {
        let data = try DemoFixture.path()
        let r = try Admin.run(["log", "stats", "--json", "--data", data])
        #expect(r.status == 0)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let events = try #require(o["events"] as? Int)
        let byType = try #require(o["byType"] as? [String: Int])
        #expect(byType.values.reduce(0, +) == events)
        #expect(byType["MemberRegistered"] ?? 0 > 100)
        #expect(o["bytesPerEvent"] is Double || o["bytesPerEvent"] is Int)
        let text = try Admin.run(["log", "stats", "--data", data])
        #expect(text.stdout.contains("bytes per event"))
    }

    @Test func dumpFiltersAndDecryptsWhereTheKeyExists() throws {
        let data = try DemoFixture.path()
        let r = try Admin.run(["log", "dump", "--from", "10", "--to", "19", "--data", data])
        #expect(r.status == 0)
        #expect(r.lines.count == 10)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(r.lines[0].utf8)) as? [String: Any])
        #expect(first["position"] as? Int == 10)
        let members = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--data", data])
        #expect(members.lines.count > 100)
        #expect(members.lines.allSatisfy { $0.contains("\"type\":\"MemberRegistered\"") })
        // The demo directory has the keys: names are readable, not sealed.
        #expect(members.lines[0].contains("\"legalName\":"))
        let stream = try #require((try JSONSerialization.jsonObject(with: Data(members.lines[0].utf8)) as? [String: Any])?["stream"] as? String)
        let one = try Admin.run(["log", "dump", "--stream", stream, "--data", data])
        #expect(one.lines.allSatisfy { $0.contains("\"stream\":\"\(stream)\"") })
        // Without the keys the fields stay sealed.
        let temp = TemporaryDirectory()
        let copy = try DemoFixture.copy(into: temp)
        try FileManager.default.removeItem(atPath: copy + "/keys.sqlite")
        let sealed = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--to", "200", "--data", copy])
        #expect(sealed.lines[0].contains("\"sealed\":"))
        #expect(!sealed.lines[0].contains("\"legalName\":"))
    }

    @Test func historyShowsOneStreamInOrder() throws {
        let data = try DemoFixture.path()
        let members = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--to", "300", "--data", data])
        let stream = try #require((try JSONSerialization.jsonObject(with: Data(members.lines[0].utf8)) as? [String: Any])?["stream"] as? String)
        let r = try Admin.run(["history", stream, "--data", data])
        #expect(r.status == 0)
        #expect(r.lines[0].hasPrefix("v1  #"))
        #expect(r.stdout.contains("MemberRegistered"))
        let json = try Admin.run(["history", stream, "--json", "--data", data])
        let versions = json.lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["version"] as? Int }
        #expect(versions == Array(1...versions.count))
        let missing = try Admin.run(["history", "member-00000000-0000-0000-0000-000000000000", "--data", data])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no events"))
    }

    @Test func usageErrorsExitTwoAndAMissingLogSaysWhatToDo() throws {
        let temp = TemporaryDirectory()
        #expect(try Admin.run(["log", "nope"]).status == 2)
        #expect(try Admin.run(["log", "dump", "--from", "x"]).status == 2)
        let r = try Admin.run(["log", "head", "--data", temp.sub("absent")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("demo"))
        let help = try Admin.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit codes"))
    }
}
