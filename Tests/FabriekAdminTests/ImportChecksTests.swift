import Foundation
import Testing

/// What `import` lets into the log: only events the catalogue decodes, exactly the fields it
/// knows, ids that mean one event, and history that keeps the domain's invariants.
@Suite struct ImportChecksTests {
    static func goal(_ period: String, target: Int = 1, id: String? = nil, version: String? = "1", extra: String = "",
                     recordedAt: String? = nil) -> String {
        var fields = [#""stream":"goal-OPD-1-\#(period)""#, #""type":"ProgrammeGoalSet""#]
        if let version { fields.append(#""version":\#(version)"#) }
        if let id { fields.append(#""id":"\#(id)""#) }
        if let recordedAt { fields.append(#""recordedAt":"\#(recordedAt)""#) }
        fields.append(#""data":{"endsOn":"2030-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"\#(period)","scale":0,"startsOn":"2030-01-01","targetValue":\#(target)\#(extra)}"#)
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func write(_ lines: [String], to path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Erases the first registered member of `source` and exports the whole log to `file`;
    /// returns the member's stream and the file.
    static func eraseTheFirstMemberAndExport(source: String, to file: String) throws -> (stream: String, file: String) {
        let members = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--to", "300", "--data", source])
        let line = try #require(members.lines.first)
        let stream = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["stream"] as? String)
        #expect(try Admin.run(["member", "erase", stream, "--yes", "--data", source]).status == 0)
        #expect(try Admin.run(["export", file, "--data", source]).status == 0)
        return (stream, file)
    }

    static func head(_ data: String) throws -> String {
        try Admin.run(["log", "head", "--data", data]).stdout
    }

    @Test("given a BidSubmitted with payload AAAA, or a schemaVersion of 99, when imported, then refused naming the field; nothing imported")
    func poisonPayloadsAreRefused() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("poison.jsonl")
        let poison = #"{"stream":"tender-00000000-0000-4000-8000-000000000001","type":"BidSubmitted","payload":"AAAA","schemaVersion":1}"#
        try Self.write([Self.goal("2030"), poison], to: file)
        let r = try Admin.run(["import", file, "--data", data])
        #expect(r.status == 1)
        #expect(r.stderr.contains("poison.jsonl:2:"), "\(r.stderr)")
        #expect(r.stderr.contains("\"payload\": must decode as BidSubmitted"), "\(r.stderr)")
        #expect(r.stderr.contains("nothing was imported"))
        #expect(try Self.head(data).hasPrefix("0 ") || !FileManager.default.fileExists(atPath: data + "/log/segments"))

        let source = try DemoFixture.path()
        let export = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", export, "--until", "50", "--data", source]).status == 0)
        var lines = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[40] = lines[40].replacingOccurrences(of: #""schemaVersion":[0-9]+"#, with: #""schemaVersion":99"#, options: .regularExpression)
        #expect(lines[40].contains(#""schemaVersion":99"#))
        try Self.write(lines, to: file)
        let newer = try Admin.run(["import", file, "--data", data])
        #expect(newer.status == 1)
        #expect(newer.stderr.contains("poison.jsonl:41:"), "\(newer.stderr)")
        #expect(newer.stderr.contains("schemaVersion"), "\(newer.stderr)")
    }

    @Test("given version 1.5 or true, or a data key the type lacks, when imported, then refused naming it")
    func laxFieldsAreRefused() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("lax.jsonl")
        for (version, shown) in [("1.5", "1.5"), ("true", "true")] {
            try Self.write([Self.goal("2030", version: version)], to: file)
            let r = try Admin.run(["import", file, "--data", data])
            #expect(r.status == 1)
            #expect(r.stderr.contains("lax.jsonl:1: \"version\" must be a stream version"), "\(r.stderr)")
            #expect(r.stderr.contains(shown))
        }
        try Self.write([Self.goal("2030"), Self.goal("2031", extra: #","targetValu":3"#)], to: file)
        let unknown = try Admin.run(["import", file, "--data", data])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("lax.jsonl:2:"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("targetValu"), "\(unknown.stderr)")
        #expect(try Self.head(data).hasPrefix("0 ") || !FileManager.default.fileExists(atPath: data + "/log/segments"))
    }

    @Test("given a key twice (at the top or inside data) or a line that is not JSON, when imported, then refused naming the line, the column and the key or what was expected; nothing imported")
    func duplicateKeysAndMalformedLinesAreRefused() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("keys.jsonl")
        let good = Self.goal("2030")
        let cases: [(String, String)] = [
            (#"{"stream":"goal-OPD-1-2031","stream":"goal-OPD-1-2032","# + good.dropFirst(),
             #"keys.jsonl:2: not valid JSON at column 29: the key "stream" is given twice in one object (give each key once)"#),
            (Self.goal("2031", extra: #","scale":1"#),
             #"the key "scale" is given twice in one object (give each key once)"#),
            (String(good.dropLast()), #"keys.jsonl:2: not valid JSON at column \#(good.count): expected ',' or '}' in the object, found the end of the line"#),
            (good.replacingOccurrences(of: #""version":1"#, with: #""version" 1"#),
             #"keys.jsonl:2: not valid JSON at column 65: expected ':' after the key "version", found '1'"#),
        ]
        for (line, expected) in cases {
            try Self.write([good, line], to: file)
            let r = try Admin.run(["import", file, "--data", data])
            #expect(r.status == 1)
            #expect(r.stderr.contains(expected), "\(r.stderr)")
            #expect(r.stderr.contains("keys.jsonl:2:"), "\(r.stderr)")
            #expect(r.stderr.contains("nothing was imported"), "\(r.stderr)")
            #expect(try Self.head(data).hasPrefix("0 ") || !FileManager.default.fileExists(atPath: data + "/log/segments"))
        }
    }

    @Test("given an id already stored, when imported with the same content it is skipped, with other content it is a conflict")
    func storedIdsAreComparedByContent() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("ids.jsonl")
        let id = "00000000-0000-4000-8000-0000000000a1"
        try Self.write([Self.goal("2030", target: 1, id: id)], to: file)
        #expect(try Admin.run(["import", file, "--data", data]).status == 0)
        let again = try Admin.run(["import", file, "--data", data])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("imported 0 events"), "\(again.stdout)")
        #expect(again.stdout.contains("1 already stored"))

        try Self.write([Self.goal("2030", target: 2, id: id)], to: file)
        let conflict = try Admin.run(["import", file, "--data", data])
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("ids.jsonl:1:"), "\(conflict.stderr)")
        #expect(conflict.stderr.contains("already stored at position 1 with other content"), "\(conflict.stderr)")
        #expect(try Self.head(data).hasPrefix("1 "))
    }

    @Test("given an export imported up to a position, when the extended export is imported, then only the rest is appended")
    func anExtendedExportReimports() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let data = temp.sub("copy")
        let part = temp.sub("part.jsonl"), all = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", part, "--until", "200", "--data", source]).status == 0)
        #expect(try Admin.run(["export", all, "--data", source]).status == 0)
        #expect(try Admin.run(["import", part, "--data", data]).status == 0)
        let rest = try Admin.run(["import", all, "--data", data])
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(rest.stdout.contains("(200 already stored)"), "\(rest.stdout)")
        #expect(try Self.head(data) == (try Self.head(source)))
        #expect(try Admin.run(["log", "verify", "--data", data]).status == 0)
    }

    @Test("given an extended export with blank lines among its stored and its new lines, when imported over the stored part, then the new lines are appended in file order, and a bad new line is named by its own number")
    func storedBlankAndNewLinesInOneSubBatch() throws {
        // Given the first 200 events imported, and the whole export with a blank line among the
        // stored lines and one among the new ones (all in the first sub-batch of parsed lines:
        // the stored lines are recognised without parsing, the others parsed, each result
        // matched back to its own line).
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let part = temp.sub("part.jsonl"), all = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", part, "--until", "200", "--data", source]).status == 0)
        #expect(try Admin.run(["export", all, "--data", source]).status == 0)
        var lines = try String(contentsOfFile: all, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(lines.count > 220)
        lines.insert("", at: 210)
        lines.insert("   ", at: 100)
        let mixed = temp.sub("mixed.jsonl")
        try Self.write(lines, to: mixed)

        // When imported over the stored part, then only the rest is appended, in order.
        let data = temp.sub("copy")
        #expect(try Admin.run(["import", part, "--data", data]).status == 0)
        let rest = try Admin.run(["import", mixed, "--data", data])
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(rest.stdout.contains("imported \(lines.count - 202) events"), "\(rest.stdout)")
        #expect(rest.stdout.contains("(200 already stored)"), "\(rest.stdout)")
        #expect(try Self.head(data) == (try Self.head(source)))

        // And with a new line past the second blank one made bad, the error names that line.
        let badNumber = 215
        lines[badNumber - 1] = lines[badNumber - 1].replacingOccurrences(of: #""type":""#, with: #""type":"Unknown"#)
        let bad = temp.sub("bad.jsonl")
        try Self.write(lines, to: bad)
        let other = temp.sub("other")
        #expect(try Admin.run(["import", part, "--data", other]).status == 0)
        let refused = try Admin.run(["import", bad, "--data", other])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad.jsonl:\(badNumber): \"type\""), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"), "\(refused.stderr)")
        #expect(try Self.head(other).hasPrefix("200 "))
    }

    @Test("given lines without commit but with recordedAt, when imported, then one commit per recordedAt and as-of inside answers")
    func recordedAtFormsCommits() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("times.jsonl")
        try Self.write([
            Self.goal("2030", recordedAt: "2020-01-01T10:00:00Z"),
            Self.goal("2031", recordedAt: "2020-01-01T10:00:00Z"),
            Self.goal("2032", recordedAt: "2020-03-01T10:00:00Z"),
        ], to: file)
        let r = try Admin.run(["import", file, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 3 events in 2 commits"), "\(r.stdout)")
        let report = try Admin.run(["report", "programme", "--as-of", "2020-02-01", "--format", "json", "--data", data])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(!report.stderr.contains("EventLog"), "\(report.stderr)")
        let inside = try Admin.run(["report", "programme", "--position", "1", "--data", data])
        #expect(inside.status != 0)
        #expect(!inside.stderr.contains("EventLog."), "\(inside.stderr)")
    }

    @Test("given an impossible date or a position past the head, when asked, then refused (not rolled over or clamped)")
    func impossibleDatesAndPositionsAreRefused() throws {
        let source = try DemoFixture.path()
        let r = try Admin.run(["report", "programme", "--as-of", "2020-02-30T12:00:00Z", "--data", source])
        #expect(r.status == 2)
        #expect(r.stderr.contains("2020-02-30"), "\(r.stderr)")
        #expect(try Admin.run(["report", "programme", "--as-of", "2020-02-30", "--data", source]).status == 2)
        let temp = TemporaryDirectory()
        let past = try Admin.run(["export", temp.sub("x.jsonl"), "--until", "999999999", "--data", source])
        #expect(past.status == 2)
        #expect(past.stderr.contains("past the log's head"), "\(past.stderr)")
    }

    @Test("given a member erased in the source, when its export is imported beside keys that still hold the key, then the key is destroyed")
    func importedErasureShredsTheKey() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.copy(into: temp, name: "source")
        let target = temp.sub("target")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in ["keys.sqlite", "master.key"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: target + "/" + name)
        }
        let (stream, file) = try Self.eraseTheFirstMemberAndExport(source: source, to: temp.sub("all.jsonl"))

        let imported = try Admin.run(["import", file, "--data", target])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("keys of 1 erased members destroyed"), "\(imported.stdout)")
        let history = try Admin.run(["history", stream, "--json", "--data", target])
        #expect(history.lines.first?.contains("\"personal\":\"erased\"") == true, "\(history.lines.first ?? "")")
        #expect(!history.stdout.contains("\"legalName\":"))
    }

    @Test("given a backup whose key store cannot be copied, when it fails, then nothing is left in the destination")
    func aFailedBackupLeavesNothing() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: data + "/keys.sqlite"))
        let target = temp.sub("backup")
        let r = try Admin.run(["backup", target, "--data", data])
        #expect(r.status == 1)
        #expect(r.stderr.contains("removed"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("given one id on two lines of a file, when the content is the same the second is skipped; with other content both lines are named and nothing is imported")
    func idsGivenTwiceInOneFile() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("twice.jsonl")
        let id = "00000000-0000-4000-8000-0000000000b2"
        try Self.write([Self.goal("2030", target: 1, id: id), Self.goal("2031"), Self.goal("2030", target: 1, id: id)], to: file)
        let same = try Admin.run(["import", file, "--data", data])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("imported 2 events"), "\(same.stdout)")
        #expect(same.stdout.contains("1 given twice in the file, skipped"), "\(same.stdout)")
        #expect(try Self.head(data).hasPrefix("2 "))

        let other = temp.sub("other")
        try Self.write([Self.goal("2040", target: 1, id: id), Self.goal("2041"), Self.goal("2042", target: 2, id: id)], to: file)
        let conflict = try Admin.run(["import", file, "--data", other])
        #expect(conflict.status == 1)
        #expect(conflict.stderr.contains("twice.jsonl:3:"), "\(conflict.stderr)")
        #expect(conflict.stderr.contains("also given on line 1 with other content"), "\(conflict.stderr)")
        #expect(conflict.stderr.contains("nothing was imported"), "\(conflict.stderr)")
        let head = try Admin.run(["log", "head", "--data", other])
        #expect(head.status != 0 || head.stdout.hasPrefix("0 "), "\(head.stdout)")
    }

    @Test("given a file of stored lines without commit followed by new ones, when imported again, then only the new lines are appended")
    func storedLinesThenNewOnesWithoutCommit() throws {
        let temp = TemporaryDirectory()
        let data = temp.sub("data")
        let file = temp.sub("grow.jsonl")
        let first = Self.goal("2030", id: "00000000-0000-4000-8000-0000000000c1")
        try Self.write([first], to: file)
        #expect(try Admin.run(["import", file, "--data", data]).status == 0)
        try Self.write([first, Self.goal("2031", id: "00000000-0000-4000-8000-0000000000c2")], to: file)
        let again = try Admin.run(["import", file, "--data", data])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("imported 1 events"), "\(again.stdout)")
        #expect(again.stdout.contains("(1 already stored)"), "\(again.stdout)")
        #expect(try Self.head(data).hasPrefix("2 "))
    }

    @Test("given an export whose events are all stored, when one line's metadata or data is changed and the file imported again, then that line is a conflict; unchanged, all are skipped")
    func aChangedExportedLineIsStillCompared() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let data = temp.sub("copy")
        let file = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", file, "--until", "200", "--data", source]).status == 0)
        #expect(try Admin.run(["import", file, "--data", data]).status == 0)
        let head = try Self.head(data)
        let again = try Admin.run(["import", file, "--data", data])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("imported 0 events"), "\(again.stdout)")
        #expect(again.stdout.contains("(200 already stored)"), "\(again.stdout)")

        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let original = lines[99]
        if original.contains(#""metadata":{"#) {
            lines[99] = original.replacingOccurrences(of: #""metadata":{"#, with: #""metadata":{"changed":"yes","#)
        } else {
            lines[99] = original.replacingOccurrences(of: #","position":"#, with: #","metadata":{"changed":"yes"},"position":"#)
        }
        #expect(lines[99] != original)
        try Self.write(lines, to: file)
        let changed = try Admin.run(["import", file, "--data", data])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("all.jsonl:100:"), "\(changed.stderr)")
        #expect(changed.stderr.contains("other metadata"), "\(changed.stderr)")

        lines[99] = original.replacingOccurrences(of: #""data":{"#, with: #""data":{ "#)
        #expect(lines[99] != original)
        try Self.write(lines, to: file)
        let spaced = try Admin.run(["import", file, "--data", data])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(spaced.stdout.contains("(200 already stored)"), "\(spaced.stdout)")
        #expect(try Self.head(data) == head)
    }

    @Test("given a member erased in the source and its export already imported, when imported again beside keys that still hold the key, then the key is destroyed")
    func reimportedErasureShredsTheKey() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.copy(into: temp, name: "source")
        let target = temp.sub("target")
        let file = try Self.eraseTheFirstMemberAndExport(source: source, to: temp.sub("all.jsonl")).file
        #expect(try Admin.run(["import", file, "--data", target]).status == 0)
        // The target now gets keys that still hold the erased member's key (e.g. restored from an older copy).
        let fresh = try DemoFixture.copy(into: temp, name: "fresh")
        for name in ["keys.sqlite", "master.key"] {
            try? FileManager.default.removeItem(atPath: target + "/" + name)
            try FileManager.default.copyItem(atPath: fresh + "/" + name, toPath: target + "/" + name)
        }

        let again = try Admin.run(["import", file, "--data", target])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("imported 0 events"), "\(again.stdout)")
        #expect(again.stdout.contains("keys of 1 erased members destroyed"), "\(again.stdout)")
    }

    @Test("given an export, and the same lines with white space after every key, when each is imported into an empty directory, then both have the same head (the canonical data read directly, the other parsed in full, give the same events)")
    func canonicalAndSpacedDataImportTheSame() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let export = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", export, "--until", "300", "--data", source]).status == 0)
        let spaced = try String(contentsOfFile: export, encoding: .utf8)
            .replacingOccurrences(of: #"([^\\])":"#, with: "$1\": ", options: .regularExpression)
        #expect(spaced.contains(#""data": {"#))
        let spacedFile = temp.sub("spaced.jsonl")
        try spaced.write(toFile: spacedFile, atomically: true, encoding: .utf8)
        var heads: [String] = []
        for (file, name) in [(export, "canonical"), (spacedFile, "spaced")] {
            let data = temp.sub(name)
            let r = try Admin.run(["import", file, "--data", data])
            #expect(r.status == 0, "\(name): \(r.stderr)")
            heads.append(try Self.head(data))
        }
        #expect(heads[0].hasPrefix("300 "), "\(heads[0])")
        #expect(heads[0] == heads[1])
    }
}
