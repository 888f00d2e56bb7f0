import Foundation
import Testing

@Suite struct ProjectionsCommandTests {
    @Test func rebuildAllThenStatusShowsNoLag() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let list = try Admin.run(["projections", "list", "--data", data])
        #expect(list.status == 0)
        #expect(list.stdout.contains("member-directory"))
        let before = try Admin.run(["projections", "status", "--json", "--data", data])
        #expect(before.stdout.contains("\"state\":\"absent\""))

        let rebuild = try Admin.run(["projections", "rebuild", "--all", "--data", data])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        let status = try Admin.run(["projections", "status", "--json", "--data", data])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [[String: Any]])
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(row["lagEvents"] as? Int == 0)
            #expect(row["position"] as? Int == row["head"] as? Int)
            #expect(row["state"] as? String == "stopped")
        }
        // A second rebuild goes side by side and swaps.
        let again = try Admin.run(["projections", "rebuild", "member-directory", "--data", data])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data + "/projections/member-directory.rebuild.sqlite"))
    }

    @Test func unknownNamesAndMissingArgumentsAreUsageErrors() throws {
        let data = try DemoFixture.path()
        #expect(try Admin.run(["projections", "rebuild", "nope", "--data", data]).status == 2)
        #expect(try Admin.run(["projections", "rebuild", "--data", data]).status == 2)
    }

    @Test func rebuildRefusesWhileAnotherRunnerOwnsTheProjection() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        try FileManager.default.createDirectory(atPath: data + "/projections", withIntermediateDirectories: true)
        let lock = try FileLockHolder(path: data + "/projections/tender-board.lock")
        let r = try Admin.run(["projections", "rebuild", "tender-board", "--data", data])
        #expect(r.status == 3)
        #expect(r.stderr.contains("owned by another runner"), "\(r.stderr)")
        let status = try Admin.run(["projections", "status", "--data", data])
        #expect(status.status == 0)
        withExtendedLifetime(lock) {}
    }
}
