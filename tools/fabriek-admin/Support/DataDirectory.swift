import EventLog
import Events
import Foundation
import PersonalData

/// The layout of a data directory: `log/`, `projections/`, `keys.sqlite`, `master.key`.
struct DataDirectory {
    let path: String

    var logPath: String { path + "/log" }
    var projectionsPath: String { path + "/projections" }
    var keysPath: String { path + "/" + PersonalDataVault.fileName }
    var masterKeyPath: String { path + "/" + MasterKey.fileName }

    var hasLog: Bool { FileManager.default.fileExists(atPath: logPath + "/segments") }

    /// Opens the log without the writer lock; works while another process writes.
    /// With `reportingRecovery`, says on standard error what the open found at the end of the
    /// log (a torn tail left in place); `log verify` reports it itself.
    func openReadOnly(reportingRecovery: Bool = true) throws -> EventLog {
        guard hasLog else {
            throw AdminError.failure("no event log in \(logPath); check --data (or FABRIEK_DATA), or create one with 'fabriek-admin demo' or 'fabriek-admin import'")
        }
        var options = EventLog.Options(readOnly: true)
        options.keepScannedSegmentsResident = false  // a long scan's pages are dropped as it goes
        let log = try EventLog.open(directory: logPath, options: options)
        if reportingRecovery { Self.printRecovery(log) }
        return log
    }

    /// Says on standard error what the open found (and, writable, cut) at the end of the log.
    static func printRecovery(_ log: EventLog) {
        for finding in log.recovery.tail { printError("log recovery: \(finding)") }
    }

    /// Opens the log for writing; `LogError.locked` (exit 3) when another process writes.
    /// `bulk`: for millions of appends in one run (import's second pass), the writer's memory
    /// bounded like the staging log's: its in-memory indexes checkpointed every 250,000 events
    /// (`StagedImport.indexCheckpointEvents`) and the index files' pages not kept resident.
    func openWriter(durability: EventLog.Durability = .fsync, bulk: Bool = false,
                    clock: (@Sendable () -> Timestamp)? = nil) throws -> EventLog {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var options = EventLog.Options(durability: durability)
        options.keepScannedSegmentsResident = false
        if bulk {
            options.indexCheckpointEvents = StagedImport.indexCheckpointEvents
            options.keepIndexFilesResident = false
        }
        if let clock { options.clock = clock }
        let log = try EventLog.open(directory: logPath, options: options)
        Self.printRecovery(log)
        return log
    }

    /// The vault when this directory has one (for decrypting); nil otherwise. Never creates keys.
    /// Follows `log`: a member whose erasure `log` records reads as erased whatever the key
    /// store holds, and a key left behind by an interrupted erasure is destroyed now (said on
    /// standard error).
    func existingVault(log: EventLog) -> PersonalDataVault? {
        guard FileManager.default.fileExists(atPath: keysPath) else { return nil }
        let env = ProcessInfo.processInfo.environment[MasterKey.environmentVariable] ?? ""
        guard !env.isEmpty || FileManager.default.fileExists(atPath: masterKeyPath) else { return nil }
        guard let vault = try? PersonalDataVault.open(directory: path) else { return nil }
        Self.printCompletion(vault.completeErasures(recordedIn: log))
        return vault
    }

    /// Opens (creating when absent) the vault, for commands that seal or erase; completes
    /// pending shredding against `log` like `existingVault(log:)`.
    func vault(log: EventLog) throws -> PersonalDataVault {
        let (vault, completion) = try PersonalDataVault.open(directory: path, log: log)
        Self.printCompletion(completion)
        return vault
    }

    /// Says on standard error which interrupted erasures the open of the vault completed.
    static func printCompletion(_ completion: ErasureCompletion) {
        if !completion.isEmpty { printError("vault: \(completion)") }
    }

    /// True when the directory is absent or holds no files (hidden ones included).
    var isEmpty: Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return true }
        return entries.isEmpty
    }

    /// Refuses unless the directory is absent or empty (for demo and restore).
    func requireEmpty(for command: String) throws {
        guard isEmpty else {
            throw AdminError.failure("\(path) is not empty; '\(command)' only writes into an empty or absent data directory (choose another --data)")
        }
    }
}
