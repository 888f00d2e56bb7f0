import Foundation
import Testing

/// `member erase` killed (SIGKILL) after its `MemberErased` is durable and before the member's
/// key is destroyed: the log says erased, the key store still holds the key.
@Suite struct InterruptedErasureTests {
    /// A demo copy in `temp` with one member's erasure interrupted by a real SIGKILL; returns
    /// the data directory and the member's stream.
    static func interruptedErasure(in temp: TemporaryDirectory) throws -> (data: String, stream: String) {
        let data = try DemoFixture.copy(into: temp)
        let members = try Admin.run(["log", "dump", "--type", "MemberRegistered", "--to", "300", "--data", data])
        let line = try #require(members.lines.first)
        #expect(line.contains("\"legalName\":"))
        let stream = try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["stream"] as? String)
        let killed = try Admin.run(["member", "erase", stream, "--yes", "--data", data],
                                   environment: ["FABRIEK_FAULT_POINT": "after-erasure-commit"])
        #expect(killed.signalled && killed.status == SIGKILL, "the child was killed at the fault point: \(killed.status) \(killed.stderr)")
        #expect(!killed.stdout.contains("erased at position"), "it died before answering")
        return (data, stream)
    }

    @Test func everyReadPathShowsTheMemberErasedAndTheFirstOneDestroysTheKey() throws {
        // Given an erasure interrupted between the durable MemberErased and the shred,
        let temp = TemporaryDirectory()
        let (data, stream) = try Self.interruptedErasure(in: temp)

        // when the member's history is read,
        let history = try Admin.run(["history", stream, "--json", "--data", data])

        // then it shows the erasure and no personal data, and says it completed the shred;
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.lines.last?.contains("\"type\":\"MemberErased\"") == true)
        #expect(history.lines.first?.contains("\"personal\":\"erased\"") == true, "\(history.lines.first ?? "")")
        #expect(!history.stdout.contains("\"legalName\":"))
        #expect(!history.stdout.contains("\"email\":"))
        #expect(history.stderr.contains("key destroyed now"), "\(history.stderr)")

        // every other read path agrees,
        let dump = try Admin.run(["log", "dump", "--stream", stream, "--data", data])
        #expect(dump.status == 0)
        #expect(!dump.stdout.contains("\"legalName\":") && !dump.stdout.contains("\"phone\":"))
        let rebuild = try Admin.run(["projections", "rebuild", "member-directory", "--data", data])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        let report = try Admin.run(["report", "programme", "--as-of", "2030-01-01T00:00:00Z", "--format", "json", "--data", data])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try Admin.run(["log", "verify", "--data", data]).status == 0)

        // and the erasure is complete: erasing again is refused as done.
        let again = try Admin.run(["member", "erase", stream, "--yes", "--data", data])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already erased") && again.stderr.contains("key is destroyed"), "\(again.stderr)")
    }

    @Test func memberEraseOnAHalfErasedMemberCompletesItAndSaysSo() throws {
        // Given an erasure interrupted between the durable MemberErased and the shred,
        let temp = TemporaryDirectory()
        let (data, stream) = try Self.interruptedErasure(in: temp)
        let head = try Admin.run(["log", "head", "--data", data]).stdout

        // when the erasure is run again,
        let again = try Admin.run(["member", "erase", stream, "--yes", "--data", data])

        // then it completes it (exit 0, saying so) without a second MemberErased,
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already erased") && again.stdout.contains("erasure is complete"), "\(again.stdout)")
        #expect(try Admin.run(["log", "head", "--data", data]).stdout == head)
        let history = try Admin.run(["history", stream, "--json", "--data", data])
        #expect(history.lines.filter { $0.contains("\"type\":\"MemberErased\"") }.count == 1)
        #expect(!history.stdout.contains("\"legalName\":"))
        #expect(!history.stderr.contains("key destroyed now"), "nothing was left to complete")
    }
}
