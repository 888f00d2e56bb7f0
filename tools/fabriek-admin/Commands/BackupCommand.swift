import ArgumentParser
import EventLog
import Foundation

/// `backup DEST`: a consistent online copy of the data directory that verifies itself.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the log (as of its head), keys and master key to DEST while the server runs; verify the copy.",
        discussion: "DEST must be absent or empty. Projections are not copied: they are rebuilt from the log. Keep the master key safe: whoever has it and keys.sqlite can read personal data.")

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: ArgumentHelp("The backup directory (absent or empty).", valueName: "DEST"))
    var destination: String

    func run() throws {
        let target = DataDirectory(path: destination)
        try target.requireEmpty(for: "backup")
        let result = try LogCopy.copyVerified(from: dataOptions.directory, to: target)
        print("backup verified: \(result.head) (\(result.segments) segments, \(result.bytes) bytes\(result.keys ? ", keys" : ", no key store")) in \(destination)")
    }
}

/// `restore SRC`: a backup into an empty or absent data directory, verified.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup (or any data directory) SRC into an empty or absent --data directory; verify it.")

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: ArgumentHelp("The backup directory made by 'backup'.", valueName: "SRC"))
    var source: String

    func run() throws {
        let target = dataOptions.directory
        try target.requireEmpty(for: "restore")
        let result = try LogCopy.copyVerified(from: DataDirectory(path: source), to: target) { _ in
            // Opening for writing rebuilds the indexes and proves the writer can take over.
            let log = try target.openWriter()
            try log.close()
        }
        print("restored and verified: \(result.head) into \(target.path); rebuild projections with 'fabriek-admin projections rebuild --all'")
    }
}
