import Foundation
import Testing

@Suite struct ImportExportTests {
    @Test func exportThenImportIntoAnEmptyDirectoryGivesTheSameHead() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let file = temp.sub("all.jsonl")
        let export = try Admin.run(["export", file, "--data", source])
        #expect(export.status == 0, "\(export.stderr)")
        let imported = try Admin.run(["import", file, "--data", temp.sub("copy")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let original = try Admin.run(["log", "head", "--data", source]).stdout
        let copy = try Admin.run(["log", "head", "--data", temp.sub("copy")]).stdout
        #expect(!original.isEmpty)
        #expect(copy == original)
        #expect(try Admin.run(["log", "verify", "--data", temp.sub("copy")]).status == 0)

        // The same file again changes nothing.
        let again = try Admin.run(["import", file, "--data", temp.sub("copy")])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("imported 0 events"))
        #expect(try Admin.run(["log", "head", "--data", temp.sub("copy")]).stdout == original)
    }

    @Test func anImportRemovesWhatAnUnfinishedImportLeftAndSaysSo() throws {
        // Given a data directory where an import was killed: its staging log and its spool are
        // still there, beside a file of the operator's with a similar name.
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let file = temp.sub("part.jsonl")
        #expect(try Admin.run(["export", file, "--until", "50", "--data", source]).status == 0)
        let data = temp.sub("data")
        let fm = FileManager.default
        try fm.createDirectory(atPath: data + "/import-424242.log/segments", withIntermediateDirectories: true)
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: data + "/import-424242.log/segments/00000001.seg"))
        try Data(repeating: 1, count: 300).write(to: URL(fileURLWithPath: data + "/import-31337.spool"))
        try Data("keep".utf8).write(to: URL(fileURLWithPath: data + "/import-notes.log"))

        // When the next import runs.
        let r = try Admin.run(["import", file, "--data", data])

        // Then it imports, removes both leftovers, names each with its size, and keeps the rest.
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!fm.fileExists(atPath: data + "/import-424242.log"))
        #expect(!fm.fileExists(atPath: data + "/import-31337.spool"))
        #expect(fm.fileExists(atPath: data + "/import-notes.log"))
        #expect(r.stderr.contains("removed \(data)/import-424242.log (1000 bytes), left by an import that did not finish"), "\(r.stderr)")
        #expect(r.stderr.contains("removed \(data)/import-31337.spool (300 bytes)"), "\(r.stderr)")
        #expect(try Admin.run(["log", "head", "--data", data]).stdout.hasPrefix("50 "))
        #expect(try fm.contentsOfDirectory(atPath: data).filter { ImportLeftoverName.matches($0) }.isEmpty)
    }

    @Test func exportUntilAPositionStopsAtThatCommit() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let file = temp.sub("part.jsonl")
        #expect(try Admin.run(["export", file, "--until", "100", "--data", source]).status == 0)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 100)
        #expect(try Admin.run(["import", file, "--data", temp.sub("part")]).status == 0)
        let head = try Admin.run(["log", "head", "--data", temp.sub("part")]).stdout
        #expect(head.hasPrefix("100 "))
        #expect(try Admin.run(["log", "verify", "--digest", head.trimmingCharacters(in: .newlines), "--data", source]).status == 0)
    }

    @Test func aBadLineInTheMiddleWritesNothingOfItsBatchAndNamesTheLine() throws {
        let temp = TemporaryDirectory()
        var lines: [String] = []
        for i in 1...9 {
            lines.append(#"{"stream":"goal-OPD-1-20\#(30 + i)","type":"ProgrammeGoalSet","version":1,"id":"00000000-0000-4000-8000-00000000000\#(i)","data":{"endsOn":"2030-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"20\#(30 + i)","scale":0,"startsOn":"2030-01-01","targetValue":\#(i)}}"#)
        }
        lines[4] = #"{"stream":"goal-OPD-1-2035","type":"ProgrammeGoalSet","version":1,"data":{"focusArea":"opdrachten"}}"#
        let file = temp.sub("bad.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let r = try Admin.run(["import", file, "--data", temp.sub("data")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.jsonl:5:"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was imported"))
        let head = try Admin.run(["log", "head", "--data", temp.sub("data")])
        #expect(head.status != 0 || head.stdout.hasPrefix("0 "))

        // Fixed, the file imports; a wrong expected version names its line and writes nothing of its batch.
        lines[4] = lines[3].replacingOccurrences(of: "2034", with: "2035").replacingOccurrences(of: "00000004", with: "00000005")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Admin.run(["import", file, "--data", temp.sub("data")]).status == 0)
        #expect(try Admin.run(["log", "head", "--data", temp.sub("data")]).stdout.hasPrefix("9 "))
        let conflict = temp.sub("conflict.jsonl")
        try [
            #"{"stream":"goal-OPD-1-2050","type":"ProgrammeGoalSet","version":1,"data":{"endsOn":"2050-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"2050","scale":0,"startsOn":"2050-01-01","targetValue":1}}"#,
            #"{"stream":"goal-OPD-1-2031","type":"ProgrammeGoalSet","version":1,"data":{"endsOn":"2031-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"2031","scale":0,"startsOn":"2031-01-01","targetValue":2}}"#,
        ].joined(separator: "\n").write(toFile: conflict, atomically: true, encoding: .utf8)
        let refused = try Admin.run(["import", conflict, "--data", temp.sub("data")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("conflict.jsonl:2:"), "\(refused.stderr)")
        #expect(try Admin.run(["log", "head", "--data", temp.sub("data")]).stdout.hasPrefix("9 "))
    }

    @Test func importRefusesWhileAnotherProcessWrites() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let file = temp.sub("one.jsonl")
        try #"{"stream":"goal-OPD-1-2040","type":"ProgrammeGoalSet","data":{"endsOn":"2040-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"2040","scale":0,"startsOn":"2040-01-01","targetValue":1}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let lock = try WriterLockHolder(dataDirectory: data)
        let r = try Admin.run(["import", file, "--data", data])
        #expect(r.status == 3)
        #expect(r.stderr.contains("writer lock"))
        // Reads keep working meanwhile.
        #expect(try Admin.run(["log", "head", "--data", data]).status == 0)
        withExtendedLifetime(lock) {}
    }
}

/// The names `fabriek-admin import` uses for its staging log and spool.
private enum ImportLeftoverName {
    static func matches(_ name: String) -> Bool {
        name.range(of: #"^import-[0-9]+\.(log|spool)$"#, options: .regularExpression) != nil
    }
}
