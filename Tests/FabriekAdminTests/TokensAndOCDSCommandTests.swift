import Foundation
import Testing

/// `tokens issue|list|revoke` and `export ocds` on the small demo history.
@Suite(.serialized) struct TokensAndOCDSCommandTests {
    @Test("given a data directory, when a token is issued, listed and revoked, then it is printed once, stored hashed, and listed as revoked")
    func tokens() throws {
        let temp = TemporaryDirectory()
        let data = temp.path + "/data"
        let issued = try Admin.run(["tokens", "issue", "--role", "auditor", "--name", "acc", "--data", data])
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("fbk_") && token.count == 68)
        let file = try String(contentsOfFile: data + "/tokens.json", encoding: .utf8)
        #expect(!file.contains(token), "the token itself must not be stored")
        let missingMember = try Admin.run(["tokens", "issue", "--role", "member", "--name", "m", "--data", data])
        #expect(missingMember.status != 0)
        #expect(missingMember.stderr.contains("--member"))
        let duplicate = try Admin.run(["tokens", "issue", "--role", "admin", "--name", "acc", "--data", data])
        #expect(duplicate.status != 0)
        #expect(try Admin.run(["tokens", "revoke", "acc", "--data", data]).status == 0)
        let listed = try Admin.run(["tokens", "list", "--json", "--data", data])
        #expect(listed.stdout.contains("\"name\":\"acc\"") && listed.stdout.contains("\"revokedAt\":\"20"))
    }

    @Test("given the demo history, when exporting OCDS, then the package holds a release per published job and no personal data")
    func exportOCDS() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let out = temp.path + "/ocds.json"
        let r = try Admin.run(["export", "ocds", out, "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let package = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any])
        let releases = try #require(package["releases"] as? [[String: Any]])
        let published = try Admin.run(["log", "stats", "--json", "--data", data])
        #expect(!releases.isEmpty)
        #expect(published.stdout.contains("TenderPublished"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!text.contains("@"), "an e-mail address in open data")
        // the plain export still works beside the subcommand
        #expect(try Admin.run(["export", temp.path + "/all.jsonl", "--data", data]).status == 0)
    }
}
