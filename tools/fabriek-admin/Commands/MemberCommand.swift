import ArgumentParser
import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData

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
        discussion: "The events stay and the chain still verifies; the personal fields can never be read again. Asks for confirmation unless --yes. Takes the writer lock (exit 3 while the server runs: erase through the API instead). For a member whose erasure was interrupted (MemberErased recorded, the key still in the vault) it completes the erasure and says so (exit 0); an erasure already complete is refused (exit 1).")

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
        let name = member.uuidString.lowercased()
        // Opening the vault completes every interrupted erasure, this member's included.
        let (vault, completion) = try PersonalDataVault.open(directory: dir.path, log: log)
        if let erasure = try log.readStream(stream).last(where: { $0.type == MemberErased.typeName }) {
            DataDirectory.printCompletion(ErasureCompletion(completed: completion.completed.filter { $0 != member },
                                                            stillPending: completion.stillPending.filter { $0.subject != member }))
            if completion.completed.contains(member) {
                print("member \(name) was already erased at position \(erasure.position), but the erasure had been interrupted: the key was still in the vault; it is destroyed now, the erasure is complete")
                return
            }
            if let pending = completion.stillPending.first(where: { $0.subject == member }) {
                throw AdminError.failure("member \(name) was erased at position \(erasure.position) and reads as erased, but the key in \(dir.keysPath) could not be destroyed: \(pending.reason); free space or fix permissions and run 'member erase' again")
            }
            throw AdminError.failure("member \(name) was already erased at position \(erasure.position) and the key is destroyed; nothing to do")
        }
        DataDirectory.printCompletion(completion)
        if !yes {
            FileHandle.standardError.write(Data("Erase member \(name)? Their personal data becomes unreadable for good. Type 'yes' to continue: ".utf8))
            guard readLine()?.trimmingCharacters(in: .whitespaces).lowercased() == "yes" else {
                throw AdminError.failure("not confirmed; nothing was changed")
            }
        }
        let service = try ApplicationService(log: log, vault: vault, reference: try ReferenceData.load())
        let outcome = try await service.execute(MemberDecider.self, stream: stream, command: .erase(reason: reason),
                                                metadata: CommandMetadata(actor: "fabriek-admin", role: "admin"))
        for pending in outcome.shreddingPending { printError("warning: \(pending)") }
        print("member \(name) erased at position \(outcome.positions.last ?? 0); head \(outcome.head)")
    }
}
