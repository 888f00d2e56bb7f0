import Fabriek
@testable import FabriekServer
import Foundation
import Hummingbird
import Testing

/// A token already checked is answered from memory (no SHA-256), but only while `tokens.json`
/// is the version it was checked against: a change made by another process (the admin CLI)
/// counts from the next request.
@Suite struct TokenStoreTests {
    private static func scratchFile() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fabriek-tokens-\(UUID.random().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("tokens.json").path
    }

    @Test("given a token the server checked, when another process revokes it, then the next check refuses it")
    func revocationByAnotherStoreCountsAtOnce() throws {
        let path = try Self.scratchFile()
        let server = try TokenStore(path: path)
        let token = try server.issue(name: "ops", role: .coordinator, memberId: nil)
        #expect(server.principal(for: token)?.name == "ops")
        #expect(server.principal(for: token)?.role == .coordinator)  // from memory

        try TokenStore(path: path).revoke(name: "ops")  // the admin CLI, another store on the file

        #expect(server.principal(for: token) == nil)
    }

    @Test("given an unknown token checked once, when another process issues a token, then the new one is accepted and the unknown one still refused")
    func issueByAnotherStoreCountsAtOnce() throws {
        let path = try Self.scratchFile()
        let server = try TokenStore(path: path)
        #expect(server.principal(for: "fbk_unknown") == nil)

        let token = try TokenStore(path: path).issue(name: "member-a", role: .member, memberId: Fixture.memberA)

        #expect(server.principal(for: token) == Principal(name: "member-a", role: .member, memberId: Fixture.memberA))
        #expect(server.principal(for: "fbk_unknown") == nil)
    }

    @Test("given Authorization headers with and without surrounding whitespace, then the same token is read")
    func bearerTokenTrimsWhitespace() {
        #expect(Router<FabriekContext>.bearerToken("Bearer fbk_abc") == "fbk_abc")
        #expect(Router<FabriekContext>.bearerToken("Bearer  fbk_abc \t") == "fbk_abc")
        #expect(Router<FabriekContext>.bearerToken("Bearer ") == "")
    }

    private enum Fixture {
        static let memberA = UUID(uuidString: "7A3F0000-0000-4000-8000-00000000000A")!
    }
}
