import ArgumentParser
import Foundation
import Projections

/// `fabriek-admin`: operate on a Fabriek data directory (log, projections, keys).
@main
struct FabriekAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fabriek-admin",
        abstract: "Operate on a Fabriek data directory: log, projections, reports, import/export, backup.",
        discussion: """
            The data directory (--data, or FABRIEK_DATA, default ./data) holds log/ (the event log), \
            projections/ (SQLite read models), keys.sqlite and master.key (the personal-data vault; \
            FABRIEK_MASTER_KEY overrides master.key).

            Read commands open the log read-only and work while the server writes. Commands that \
            write (import, demo, member erase, restore, projections rebuild) take the log's writer \
            lock or the projections' locks, and refuse when another process holds them.

            Exit codes:
              0  success
              1  failure (verification failed, bad input line, refused command)
              2  usage error (unknown command or option, invalid argument)
              3  locked: another process writes to the log or owns the projection
              4  corrupt: the log is damaged and refuses to open (the message names the position)
            """,
        subcommands: [
            ProjectionsCommand.self, LogCommand.self, HistoryCommand.self, ReportCommand.self,
            ExportCommand.self, ImportCommand.self, AuditCommand.self, BackupCommand.self, RestoreCommand.self,
            MemberCommand.self, DemoCommand.self, TokensCommand.self,
        ]
    )

    /// Runs the command; maps errors to the documented exit codes.
    static func main() async {
        // Before any other thread exists (the commands' async work runs on the pool's threads).
        MallocArenas.configure()
        SQLiteProcessSettings.configure()
        #if FUZZING
        ImportLineFuzzer.runIfAsked()
        #endif
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as AdminError {
            FileHandle.standardError.write(Data("fabriek-admin: \(error.message)\n".utf8))
            Foundation.exit(error.code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode {
                exit(withError: error)
            }
            if let mapped = AdminError(mapping: error) {
                FileHandle.standardError.write(Data("fabriek-admin: \(mapped.message)\n".utf8))
                Foundation.exit(mapped.code.rawValue)
            }
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(AdminExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
