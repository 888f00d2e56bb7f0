import Foundation
import Testing

/// Projection files are derived data: a damaged one is moved aside (named) and rebuilt, and
/// never stops the other projections.
@Suite struct DamagedProjectionTests {
    /// A demo copy in `temp` with every projection built.
    static func built(in temp: TemporaryDirectory) throws -> String {
        let data = try DemoFixture.copy(into: temp)
        let rebuild = try Admin.run(["projections", "rebuild", "--all", "--data", data])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        return data
    }

    static func rows(_ data: String) throws -> [String: [String: Any]] {
        let status = try Admin.run(["projections", "status", "--json", "--data", data])
        #expect(status.status == 0, "\(status.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0) })
    }

    static func damagedCopies(_ data: String, _ name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: data + "/projections")
            .filter { $0.hasPrefix("\(name).damaged-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
    }

    @Test(arguments: ["truncated", "garbage", "foreign"])
    func aDamagedFileIsNamedByStatusThenMovedAsideAndRebuilt(damage: String) throws {
        // Given built projections, one of whose files is then damaged,
        let temp = TemporaryDirectory()
        let data = try Self.built(in: temp)
        let file = data + "/projections/programme-kpis.sqlite"
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        switch damage {
        case "truncated":
            try original.prefix(original.count / 3).write(to: URL(fileURLWithPath: file))
        case "garbage":
            try Data((0..<original.count).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: file))
        default:  // another projection's file in its place
            try FileManager.default.removeItem(atPath: file)
            try FileManager.default.copyItem(atPath: data + "/projections/tender-board.sqlite", toPath: file)
        }

        // when the status is asked, the others still answer and the damaged one is named
        // (a foreign but healthy file reads fine here; the runner refuses it below);
        let rows = try Self.rows(data)
        #expect(rows.count == 5)
        for (name, row) in rows where name != "programme-kpis" {
            #expect(row["lagEvents"] as? Int == 0, "\(name): \(row)")
        }
        if damage != "foreign" {
            let state = try #require(rows["programme-kpis"]?["state"] as? String)
            #expect(state.contains("damaged") && state.contains(file) && state.contains("projections rebuild programme-kpis"), "\(state)")
        }

        // then a rebuild moves it aside, says so, and builds it again; nothing is left behind.
        let rebuild = try Admin.run(["projections", "rebuild", "programme-kpis", "--data", data])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        let moved = try Self.damagedCopies(data, "programme-kpis")
        #expect(moved.count == 1)
        #expect(rebuild.stderr.contains(file) && rebuild.stderr.contains(moved.first ?? "?") && rebuild.stderr.contains("moved aside"), "\(rebuild.stderr)")
        let after = try Self.rows(data)
        #expect(after["programme-kpis"]?["lagEvents"] as? Int == 0, "\(after["programme-kpis"] ?? [:])")
        #expect((after["programme-kpis"]?["state"] as? String)?.contains("damaged") == false)
        let left = try FileManager.default.contentsOfDirectory(atPath: data + "/projections")
        #expect(!left.contains { $0.contains(".rebuild.") }, "\(left)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/projections/" + moved[0])).count > 0, "the damaged bytes are kept")
    }

    @Test func aDamagedFileIsRebuiltByARebuildOfAllWhileTheOthersSwapNormally() throws {
        let temp = TemporaryDirectory()
        let data = try Self.built(in: temp)
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: data + "/projections/member-directory.sqlite"))

        let rebuild = try Admin.run(["projections", "rebuild", "--all", "--data", data])

        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try Self.damagedCopies(data, "member-directory").count == 1)
        for (name, row) in try Self.rows(data) {
            #expect(row["lagEvents"] as? Int == 0, "\(name): \(row)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: data + "/projections")
        #expect(!left.contains { $0.contains(".rebuild.") }, "\(left)")
    }

    /// Issue 13.6, seen intermittently in `ImportAndRebuildFaultTests`: after an interrupted
    /// rebuild, the re-run resumed the side file and swapped it in before it asked for its own
    /// rebuild, took that swap (a new inode) for the end, and stopped while the rebuild it then
    /// asked for had begun a new side file. Whether that side file existed at the stop was a
    /// race, which this test cannot force through the CLI; the interleaving is reproduced
    /// deterministically in `VersionBumpRebuildTests` (ProjectionsTests). This test checks the
    /// outcome of the scenario.
    @Test("given every projection's side file left by a rebuild interrupted at the head, when projections rebuild --all runs, then each projection is rebuilt and no side file is left")
    func sideFilesLeftByAnInterruptedRebuildAreNotLeftAgain() throws {
        let temp = TemporaryDirectory()
        let data = try Self.built(in: temp)
        let dir = data + "/projections"
        let names = try Self.rows(data).keys.sorted()
        #expect(names.count == 5)
        for name in names {
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: "\(dir)/\(name).sqlite\(suffix)") {
                try FileManager.default.copyItem(atPath: "\(dir)/\(name).sqlite\(suffix)", toPath: "\(dir)/\(name).rebuild.sqlite\(suffix)")
            }
        }
        #expect(try Self.rows(data).values.allSatisfy { ($0["state"] as? String)?.contains("rebuild pending") == true })

        let rebuild = try Admin.run(["projections", "rebuild", "--all", "--data", data])

        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        for name in names { #expect(rebuild.stdout.contains("\(name) v"), "\(rebuild.stdout)") }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!left.contains { $0.contains(".rebuild.") }, "\(left)")
        for (name, row) in try Self.rows(data) {
            let state = row["state"] as? String ?? "?"
            #expect(row["lagEvents"] as? Int == 0 && state.hasPrefix("stopped") && !state.contains("rebuild"), "\(name): \(row)")
        }
    }

    @Test func aProjectionsPathThatIsAFileIsRefusedWithENOTDIR() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        try? FileManager.default.removeItem(atPath: data + "/projections")
        try Data("not a directory".utf8).write(to: URL(fileURLWithPath: data + "/projections"))

        let rebuild = try Admin.run(["projections", "rebuild", "tender-board", "--data", data])

        #expect(rebuild.status == 1)
        #expect(rebuild.stderr.contains(data + "/projections") && rebuild.stderr.contains("Not a directory") && rebuild.stderr.contains("errno 20"), "\(rebuild.stderr)")
        #expect(try String(contentsOfFile: data + "/projections", encoding: .utf8) == "not a directory", "the file is left alone")
    }
}
