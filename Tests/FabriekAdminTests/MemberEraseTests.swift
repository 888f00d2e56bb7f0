import Foundation
import Testing

@Suite struct MemberEraseTests {
    @Test func eraseAsksForConfirmationThenShredsTheMembersData() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        let members = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--to", "300", "--data", data])
        let line = try #require(members.lines.first)
        let stream = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["stream"] as? String)
        #expect(line.contains("\"legalName\":"))
        let head = try Admin.run(["log", "head", "--data", data]).stdout

        let declined = try Admin.run(["member", "erase", stream, "--data", data], input: "no\n")
        #expect(declined.status == 1)
        #expect(declined.stderr.contains("nothing was changed"))
        #expect(try Admin.run(["log", "head", "--data", data]).stdout == head)

        let erased = try Admin.run(["member", "erase", stream, "--yes", "--data", data])
        #expect(erased.status == 0, "\(erased.stderr)")
        let history = try Admin.run(["history", stream, "--json", "--data", data])
        #expect(history.lines.last?.contains("\"type\":\"MemberErased\"") == true)
        #expect(history.lines.first?.contains("\"personal\":\"erased\"") == true, "\(history.lines.first ?? "")")
        #expect(!history.stdout.contains("\"legalName\":"))
        #expect(try Admin.run(["log", "verify", "--data", data]).status == 0)

        let twice = try Admin.run(["member", "erase", stream, "--yes", "--data", data])
        #expect(twice.status == 1)
    }

    @Test func anUnknownMemberOrBadIdIsRefused() throws {
        let data = try DemoFixture.path()
        #expect(try Admin.run(["member", "erase", "not-a-uuid", "--yes", "--data", data]).status == 2)
        let temp = TemporaryDirectory()
        let copy = try DemoFixture.copy(into: temp)
        let r = try Admin.run(["member", "erase", "00000000-0000-4000-8000-000000000000", "--yes", "--data", copy])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no member"))
    }
}
