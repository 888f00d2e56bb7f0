import ArgumentParser
import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation

/// `member erase ID`.
struct MemberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: "Member administration.", subcommands: [MemberEraseCommand.self])
}

extension ErasureReason: ExpressibleByArgument {}

struct MemberEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a member (crypto-shredding): record MemberErased and destroy the member's key.",
        discussion: "The events stay and the chain still verifies; the personal fields can never be read again. Asks for confirmation unless --yes. Takes the writer lock (exit 3 while the server runs: erase through the API instead).")

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: "The member's id (a UUID), or its stream id member-<uuid>.") var id: String

    @Option(help: "Legal ground: \(ErasureReason.allCases.map(\.rawValue).joined(separator: ", ")).")
    var reason: ErasureReason = .dataSubjectRequest

    @Flag(help: "Do not ask for confirmation.") var yes = false

    var memberID: UUID? {
        UUID(uuidString: id.hasPrefix("member-") ? String(id.dropFirst(7)) : id)
    }

    func validate() throws {
        if memberID == nil { throw ValidationError("'\(id)' is not a member id (a UUID like 3f2b…, or member-<uuid>)") }
    }

    func run() async throws {
        let dir = dataOptions.directory
        guard dir.hasLog else { throw AdminError.failure("no event log in \(dir.logPath); check --data") }
        let member = memberID!
        let stream = MemberDecider.streamId(member)
        let log = try dir.openWriter()
        defer { try? log.close() }
        guard log.streamVersion(stream) > 0 else {
            throw AdminError.failure("no member \(member.uuidString.lowercased()) in \(dir.path) (stream \(stream) is empty)")
        }
        if !yes {
            FileHandle.standardError.write(Data("Erase member \(member.uuidString.lowercased())? Their personal data becomes unreadable for good. Type 'yes' to continue: ".utf8))
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                throw AdminError.failure("not confirmed; nothing was changed")
            }
        }
        let service = try ApplicationService(log: log, vault: try dir.vault(), reference: try ReferenceData.load())
        let outcome = try await service.execute(MemberDecider.self, stream: stream, command: .erase(reason: reason),
                                                metadata: CommandMetadata(actor: "fabriek-admin", role: "admin"))
        print("member \(member.uuidString.lowercased()) erased at position \(outcome.positions.last ?? 0); head \(outcome.head)")
    }
}
