import Foundation
import Testing

/// `import` streams: memory does not grow with the file, and a bad line anywhere still means
/// nothing was imported, also an id given twice far apart (found in the import's spilled id runs).
@Suite struct ImportAtScaleTests {
    static let lines = 200_000

    /// The id of line `i`.
    static func id(_ i: Int) -> String { "00000000-0000-4000-8000-\(String(format: "%012x", i))" }

    /// `count` goal events with ids, one stream each (about 280 bytes a line); line `bad` lacks
    /// fields, line `twice` repeats the id of line 3 with other content.
    static func writeGoals(_ count: Int, to path: String, badLineAt bad: Int? = nil, idTwiceAt twice: Int? = nil) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var chunk = ""
        for i in 1...count {
            if i == bad {
                chunk += #"{"stream":"goal-OPD-1-P\#(i)","type":"ProgrammeGoalSet","version":1,"data":{"focusArea":"opdrachten"}}"# + "\n"
            } else {
                chunk += #"{"stream":"goal-OPD-1-P\#(i)","type":"ProgrammeGoalSet","version":1,"id":"\#(id(i == twice ? 3 : i))","data":{"endsOn":"2030-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"P\#(i)","scale":0,"startsOn":"2030-01-01","targetValue":\#(i)}}"# + "\n"
            }
            if chunk.utf8.count > 1 << 20 { handle.write(Data(chunk.utf8)); chunk = "" }
        }
        handle.write(Data(chunk.utf8))
    }

    @Test("given 200,000 lines, when imported, then the child's peak RSS stays under 150 MB; a bad line or an id given twice near the end imports nothing")
    func importStaysInBoundedMemory() throws {
        let temp = TemporaryDirectory()
        // Every goal is an aggregate of its own: the auditor keeps them all in memory here, as
        // it does at 1M lines of Fabriek's own events (spilling them, slow in a debug build, is
        // `auditorThatSpillsImportsTheSame`'s), so this measures the rest of the import.
        let allResident = ["FABRIEK_IMPORT_RESIDENT_STATES": String(Self.lines)]
        let bad = temp.sub("bad.jsonl")
        try Self.writeGoals(Self.lines, to: bad, badLineAt: Self.lines - 3)
        let refused = try Admin.runMeasuringMemory(["import", bad, "--data", temp.sub("data")], in: temp, environment: allResident)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.jsonl:\(Self.lines - 3):"), "\(refused.stderr.suffix(500))")
        #expect(refused.stderr.contains("nothing was imported"))
        let head = try Admin.run(["log", "head", "--data", temp.sub("data")])
        #expect(head.status != 0 || head.stdout.hasPrefix("0 "), "\(head.stdout)")

        let twice = temp.sub("twice.jsonl")
        try Self.writeGoals(Self.lines, to: twice, idTwiceAt: Self.lines - 2)
        let conflict = try Admin.run(["import", twice, "--data", temp.sub("data")], environment: allResident)
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("twice.jsonl:\(Self.lines - 2): \"id\" \(Self.id(3)) is also given on line 3 with other content"),
                "\(conflict.stderr.suffix(500))")
        #expect(conflict.stderr.contains("nothing was imported"))
        let stillEmpty = try Admin.run(["log", "head", "--data", temp.sub("data")])
        #expect(stillEmpty.status != 0 || stillEmpty.stdout.hasPrefix("0 "), "\(stillEmpty.stdout)")

        let good = temp.sub("good.jsonl")
        try Self.writeGoals(Self.lines, to: good)
        let fileMB = ((try FileManager.default.attributesOfItem(atPath: good)[.size] as? NSNumber)?.intValue ?? 0) >> 20
        let imported = try Admin.runMeasuringMemory(["import", good, "--data", temp.sub("data")], in: temp, environment: allResident)
        #expect(imported.status == 0, "\(imported.stderr.suffix(500))")
        #expect(try Admin.run(["log", "head", "--data", temp.sub("data")]).stdout.hasPrefix("\(Self.lines) "))
        // The old import held every parsed line (~0.9 KB each: ~180 MB here); streams now cost
        // 16 bytes each in the version table and ids ~2 bytes in memory (the rest spilled).
        // The figure is the admin's own peak: measured through a small intermediate process,
        // since a child spawned straight from this process inherits its high-water mark at exec
        // (that was the "186 MB in the full suite" of an earlier stop: the test process's size).
        #expect(imported.maxRSSKiB < 150 << 10, "peak RSS \(imported.maxRSSKiB >> 10) MB for a \(fileMB) MB file")
        // The auditor's scratch file (created whether or not it spills) is gone with it.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temp.sub("data")).filter { $0.hasSuffix(".audit") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Goals of the spilling test: fewer than `lines`, as nearly every line of it reads a state
    /// back from the scratch file (slow in a debug build).
    static let spilledLines = 40_000

    @Test("given 40,000 goals, when imported with the auditor keeping 1,000 states of a kind in memory, then the same events as keeping them all, a smaller peak RSS, and a bad line near the end still imports nothing")
    func auditorThatSpillsImportsTheSame() throws {
        let temp = TemporaryDirectory()
        let good = temp.sub("good.jsonl")
        let lines = Self.spilledLines
        try Self.writeGoals(lines, to: good)
        let all = try Admin.runMeasuringMemory(["import", good, "--data", temp.sub("all")], in: temp,
                                               environment: ["FABRIEK_IMPORT_RESIDENT_STATES": String(lines)])
        #expect(all.status == 0, "\(all.stderr.suffix(500))")
        let few = try Admin.runMeasuringMemory(["import", good, "--data", temp.sub("few")], in: temp,
                                               environment: ["FABRIEK_IMPORT_RESIDENT_STATES": "1000"])
        #expect(few.status == 0, "\(few.stderr.suffix(500))")
        // The lines carry no recordedAt (each import stamps its own time, so the heads differ):
        // the same events, streams and commits.
        for data in ["all", "few"] {
            #expect(try Admin.run(["log", "head", "--data", temp.sub(data)]).stdout.hasPrefix("\(lines) "))
        }
        func counts(_ data: String) throws -> [Substring] {
            try Admin.run(["log", "stats", "--data", temp.sub(data)]).stdout.split(separator: "\n")
                .filter { $0.hasPrefix("events") || $0.hasPrefix("streams") || $0.hasPrefix("commits") }
        }
        #expect(try counts("few") == counts("all"))
        #expect(try counts("all").count == 3)
        #expect(few.maxRSSKiB < all.maxRSSKiB, "peak RSS \(few.maxRSSKiB >> 10) MB spilling, \(all.maxRSSKiB >> 10) MB keeping all")

        let bad = temp.sub("bad.jsonl")
        try Self.writeGoals(lines, to: bad, badLineAt: lines - 3)
        let refused = try Admin.runMeasuringMemory(["import", bad, "--data", temp.sub("bad")], in: temp,
                                                   environment: ["FABRIEK_IMPORT_RESIDENT_STATES": "1000"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.jsonl:\(lines - 3):"), "\(refused.stderr.suffix(500))")
        #expect(refused.stderr.contains("nothing was imported"))
        let head = try Admin.run(["log", "head", "--data", temp.sub("bad")])
        #expect(head.status != 0 || head.stdout.hasPrefix("0 "), "\(head.stdout)")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: temp.sub("bad"))) ?? []
        #expect(leftovers.filter { $0.hasPrefix("import-") }.isEmpty, "\(leftovers)")
    }
}
