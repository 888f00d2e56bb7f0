import Foundation
import Testing

@Suite struct BackupRestoreTests {
    @Test func backupThenRestoreGivesTheSameVerifiedLog() throws {
        let temp = TemporaryDirectory()
        let source = try DemoFixture.path()
        let head = try Admin.run(["log", "head", "--data", source]).stdout
        let backup = try Admin.run(["backup", temp.sub("backup"), "--data", source])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("backup verified"))
        #expect(FileManager.default.fileExists(atPath: temp.sub("backup/keys.sqlite")))

        let restore = try Admin.run(["restore", temp.sub("backup"), "--data", temp.sub("restored")])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Admin.run(["log", "head", "--data", temp.sub("restored")]).stdout == head)
        #expect(try Admin.run(["log", "verify", "--data", temp.sub("restored")]).status == 0)
        // Personal data stays readable: keys and master key came along.
        let dump = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--to", "300", "--data", temp.sub("restored")])
        #expect(dump.lines.first?.contains("\"legalName\":") == true)
    }

    @Test func backupWorksWhileTheWriterLockIsHeld() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let lock = try WriterLockHolder(dataDirectory: data)
        let r = try Admin.run(["backup", temp.sub("online"), "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        withExtendedLifetime(lock) {}
    }

    @Test func restoreRefusesANonEmptyDirectory() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        #expect(try Admin.run(["backup", temp.sub("b"), "--data", data]).status == 0)
        let r = try Admin.run(["restore", temp.sub("b"), "--data", data])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not empty"))
        #expect(try Admin.run(["backup", temp.sub("b"), "--data", data]).status == 1)
    }

    @Test func backupIsConsistentWhileAnImportWrites() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        var lines: [String] = []
        for i in 0..<3000 {
            lines.append(#"{"stream":"goal-LER-1-\#(3000 + i)","type":"ProgrammeGoalSet","version":1,"data":{"endsOn":"2030-12-31","focusArea":"lerend","kpiCode":"LER-1","period":"\#(3000 + i)","scale":0,"startsOn":"2030-01-01","targetValue":\#(i)}}"#)
        }
        let file = temp.sub("many.jsonl")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let writer = Process()
        guard let executable = Admin.executable else { throw AdminTestError.binaryMissing }
        writer.executableURL = executable
        writer.arguments = ["import", file, "--data", data]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        var heads: [String] = []
        for k in 0..<3 {
            let r = try Admin.run(["backup", temp.sub("b\(k)"), "--data", data])
            #expect(r.status == 0, "\(r.stderr)")
            heads.append(try Admin.run(["log", "head", "--data", temp.sub("b\(k)")]).stdout)
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        // Every backup is a verified prefix of the final log.
        for head in heads {
            let digest = head.trimmingCharacters(in: .newlines)
            #expect(try Admin.run(["log", "verify", "--digest", digest, "--data", data]).status == 0, "\(digest)")
        }
    }
}
