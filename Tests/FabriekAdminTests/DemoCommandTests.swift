import Foundation
import Testing

@Suite struct DemoCommandTests {
    @Test func demoFillsAnEmptyDirectoryAndRefusesAFullOne() throws {
        let data = try DemoFixture.path()
        let stats = try Admin.run(["log", "stats", "--json", "--data", data])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let byType = try #require(o["byType"] as? [String: Int])
        for type in ["MemberRegistered", "ConsortiumFormed", "TenderPublished", "BidSubmitted", "CrossBorderWorkRegistered", "ProgrammeActivityHeld"] {
            #expect(byType[type] ?? 0 > 0, "\(type)")
        }
        let again = try Admin.run(["demo", "--scale", "small", "--data", data])
        #expect(again.status == 1)
        #expect(again.stderr.contains("not empty"))
    }

    @Test func theSameSeedGivesTheSameEvents() throws {
        let temp = TemporaryDirectory()
        #expect(try Admin.run(["demo", "--scale", "small", "--seed", "7", "--data", temp.sub("a")]).status == 0)
        let strip = { (dir: String) throws -> [String] in
            // Sealed fields use fresh keys and nonces, blind-index digests the store's own master
            // key; compare everything else.
            try Admin.run(["log", "dump", "--data", dir]).lines.filter {
                !$0.contains("\"sealed\"") && !$0.contains("\"personal\"") && !$0.contains("TargetGroupsDeclared") && !$0.contains("\"registryDigest\"")
            }
        }
        let a = try strip(temp.sub("a"))
        let b = try strip(try DemoFixture.path())
        #expect(a.count > 1000)
        #expect(a == b)
    }
}
