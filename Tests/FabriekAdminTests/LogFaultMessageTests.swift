import Foundation
import Testing

/// What the admin CLI says when the log's derived files cannot be saved or its tail is torn:
/// every message is true (a committed import is reported as imported), and nothing the log cuts
/// goes unmentioned.
@Suite struct LogFaultMessageTests {
    static func goalLine(_ i: Int) -> String {
        #"{"stream":"goal-OPD-1-\#(2100 + i)","type":"ProgrammeGoalSet","version":1,"id":"00000000-0000-4000-8000-0000000001\#(String(format: "%02d", i))","data":{"endsOn":"\#(2100 + i)-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"\#(2100 + i)","scale":0,"startsOn":"\#(2100 + i)-01-01","targetValue":\#(i)}}"#
    }

    @Test("given a stream index that cannot be saved at close, when importing, then the import succeeds, warns, and every event is stored once")
    func importSucceedsWhenTheIndexCannotBeSaved() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        // A log that holds an event: the import appends to it (into an empty log it would write
        // a staging log of its own, with its own index directory, and put it in place).
        let seed = temp.sub("seed.jsonl")
        try Self.goalLine(99).write(toFile: seed, atomically: true, encoding: .utf8)
        let seeded = try Admin.run(["import", seed, "--data", data])
        try #require(seeded.status == 0, "\(seeded.stderr)")
        // A directory where the index's temporary file would go: writing the index fails.
        try FileManager.default.createDirectory(atPath: data + "/log/index/streams.idx.tmp", withIntermediateDirectories: true)
        let file = temp.sub("goals.jsonl")
        try (0..<20).map(Self.goalLine).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let r = try Admin.run(["import", file, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 20 events"), "\(r.stdout)")
        #expect(r.stderr.contains("warning: the stream index was not saved"), "\(r.stderr)")
        #expect(!r.stderr.contains("nothing"), "a message says nothing was stored: \(r.stderr)")

        // Every event is there once; a second run of the same file stores nothing more.
        let again = try Admin.run(["import", file, "--data", data])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("imported 0 events") && again.stdout.contains("20 already stored"), "\(again.stdout)")
        let head = try Admin.run(["log", "head", "--data", data])
        #expect(head.stdout.hasPrefix("21 "), "\(head.stdout)")
        let verify = try Admin.run(["log", "verify", "--data", data])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test("given a torn tail, then 'log verify' reports it (not intact), a writable command says what it cut and where it kept it, and verify reports the quarantine file until it is moved away")
    func tornTailIsReportedNotHidden() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let segments = data + "/log/segments"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: segments).filter { $0.hasSuffix(".seg") }.sorted().last)
        let path = segments + "/" + name
        let intact = try Data(contentsOf: URL(fileURLWithPath: path))
        // The start of a batch header and nothing after it: a commit whose write did not finish.
        try (intact + Data("BTCH".utf8) + Data([2, 0, 1, 0, 9, 9])).write(to: URL(fileURLWithPath: path))

        let verify = try Admin.run(["log", "verify", "--data", data])
        #expect(verify.status == 1, "\(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.hasPrefix("NOT INTACT"), "\(verify.stdout)")
        #expect(verify.stderr.contains("torn tail of 10 bytes at byte \(intact.count) of segment \(name)"), "\(verify.stderr)")

        // A writable command cuts the tail and says so.
        let empty = temp.sub("empty.jsonl")
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let cut = try Admin.run(["import", empty, "--data", data])
        #expect(cut.status == 0, "\(cut.stderr)")
        let quarantine = path + ".quarantine-\(intact.count)"
        #expect(cut.stderr.contains("log recovery: cut 10 bytes at byte \(intact.count) of segment \(name)"), "\(cut.stderr)")
        #expect(cut.stderr.contains(quarantine), "\(cut.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: quarantine)) == Data("BTCH".utf8) + Data([2, 0, 1, 0, 9, 9]))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == intact)

        let after = try Admin.run(["log", "verify", "--data", data])
        #expect(after.status == 1 && after.stderr.contains(quarantine), "\(after.stdout) \(after.stderr)")
        try FileManager.default.moveItem(atPath: quarantine, toPath: temp.sub("kept-aside"))
        let clean = try Admin.run(["log", "verify", "--data", data])
        #expect(clean.status == 0 && clean.stdout.hasPrefix("intact"), "\(clean.stdout) \(clean.stderr)")
    }
}
