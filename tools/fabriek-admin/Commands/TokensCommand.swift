import ArgumentParser
import Events
import FabriekServer
import Foundation

/// `tokens issue|list|revoke`: the API's bearer tokens, kept hashed in `DIR/tokens.json`.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Issue, list and revoke API tokens (stored as SHA-256 hashes; a running server sees changes at once).",
        subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token and print it once (it cannot be shown again).")
        @OptionGroup var dataOptions: DataOptions
        @Option(help: "coordinator, member, municipality, auditor or admin.") var role: Role
        @Option(help: "The member a member token acts for (a UUID; only with --role member).") var member: String?
        @Option(help: "A unique name for the token (used to revoke it).") var name: String

        func validate() throws {
            if let member, UUID(uuidString: member) == nil {
                throw ValidationError("--member must be a member id (a UUID), not '\(member)'")
            }
        }

        func run() throws {
            let store = try TokenStore(path: DataLayout(path: dataOptions.directory.path).tokensPath)
            let token = try store.issue(name: name, role: role, memberId: member.flatMap(UUID.init(uuidString:)))
            print(token)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tokens (names, roles, members; never the tokens).")
        @OptionGroup var dataOptions: DataOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let store = try TokenStore(path: DataLayout(path: dataOptions.directory.path).tokensPath)
            let entries = try store.entries()
            let formatter = ISO8601DateFormatter()
            if output.json {
                let rows: [CanonicalJSON] = entries.map { e in
                    let member: CanonicalJSON = e.memberId.map { .string($0.uuidString.lowercased()) } ?? .null
                    let revoked: CanonicalJSON = e.revokedAt.map { .string(formatter.string(from: $0)) } ?? .null
                    return .object(["name": .string(e.name), "role": .string(e.role.rawValue), "member": member,
                                    "issuedAt": .string(formatter.string(from: e.issuedAt)), "revokedAt": revoked])
                }
                print(CanonicalJSON.array(rows).text)
                return
            }
            for e in entries {
                let member = e.memberId.map { " member \($0.uuidString.lowercased())" } ?? ""
                let state = e.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "active"
                print("\(e.name)\t\(e.role.rawValue)\(member)\tissued \(formatter.string(from: e.issuedAt))\t\(state)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name; refused from the next request on.")
        @OptionGroup var dataOptions: DataOptions
        @Argument(help: "The token's name.") var name: String

        func run() throws {
            let store = try TokenStore(path: DataLayout(path: dataOptions.directory.path).tokensPath)
            try store.revoke(name: name)
            print("revoked \(name)")
        }
    }
}

extension Role: ExpressibleByArgument {}
