import ArgumentParser
import EventLog
import Events
import Foundation
import GRDB
import Projections

/// `projections list|status|rebuild`.
struct ProjectionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "List projections, show their lag, rebuild them side by side.",
        subcommands: [ProjectionsListCommand.self, ProjectionsStatusCommand.self, ProjectionsRebuildCommand.self])
}

struct ProjectionsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The registered projections and their versions.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let dir = dataOptions.directory
        let rows = try AdminProjectors(directory: dir, log: nil).all.map { p -> (String, Int, Bool) in
            (p.name, p.version, FileManager.default.fileExists(atPath: "\(dir.projectionsPath)/\(p.name).sqlite"))
        }
        if output.json {
            print(CanonicalJSON.array(rows.map { .object(["name": .string($0.0), "version": .int(Int64($0.1)), "built": .bool($0.2)]) }).text)
            return
        }
        for (name, version, built) in rows {
            print("\(name)  v\(version)  \(built ? "built" : "not built")")
        }
    }
}

/// Reads each projection's checkpoint straight from its file (read-only, no lock), so it works
/// while the server's runner owns the projections.
struct ProjectionsStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Position, head, lag (events and seconds) and state of every projection.",
        discussion: "States: live / catching-up (a runner owns it), rebuilding (a rebuild file exists), stopped (no runner), absent (never built), stale (file built by another projector version).")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    struct Row {
        var name: String
        var version: Int
        var fileVersion: Int?
        var position: UInt64
        var head: UInt64
        var lagEvents: UInt64
        var lagSeconds: Double
        var state: String
        var rebuildPosition: UInt64?
        /// Events the projector could not apply (recorded in the file and skipped).
        var skipped: Int
    }

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let head = log.head().position
        let now = Timestamp.now()
        var rows: [Row] = []
        for p in try AdminProjectors(directory: dir, log: nil).all {
            let main = "\(dir.projectionsPath)/\(p.name).sqlite"
            let rebuild = "\(dir.projectionsPath)/\(p.name).rebuild.sqlite"
            let owned = Self.isOwned("\(dir.projectionsPath)/\(p.name).lock")
            let meta: (version: Int, position: UInt64, skipped: Int)?
            var damage: String?
            do {
                meta = try Self.checkpoint(main)
            } catch {
                meta = nil
                damage = "damaged: \(main) cannot be read (\(error)); 'fabriek-admin projections rebuild \(p.name)' moves it aside and rebuilds it"
            }
            let position = meta?.position ?? 0
            var state: String
            if let damage {
                state = damage
            } else if meta == nil {
                state = owned ? "catching-up" : "absent"
            } else if FileManager.default.fileExists(atPath: rebuild) {
                state = owned ? "rebuilding" : "stopped (rebuild pending)"
            } else if owned {
                state = position >= head ? "live" : "catching-up"
            } else {
                state = "stopped"
            }
            if let v = meta?.version, v != p.version { state += " (stale: file v\(v), projector v\(p.version))" }
            if let degraded = SkippedEvents.summary(count: meta?.skipped ?? 0) { state += "; \(degraded)" }
            var lagSeconds = 0.0
            if position < head, let next = try? log.event(at: position + 1) {
                lagSeconds = max(0, Double(now.microsecondsSinceEpoch - next.recordedAt.microsecondsSinceEpoch) / 1e6)
            }
            let rebuildPosition = FileManager.default.fileExists(atPath: rebuild) ? (try? Self.checkpoint(rebuild))??.position : nil
            rows.append(Row(name: p.name, version: p.version, fileVersion: meta?.version, position: position, head: head,
                            lagEvents: head > position ? head - position : 0, lagSeconds: lagSeconds, state: state,
                            rebuildPosition: rebuildPosition, skipped: meta?.skipped ?? 0))
        }
        if output.json {
            print(CanonicalJSON.array(rows.map { r in
                var o: [String: CanonicalJSON] = [
                    "name": .string(r.name), "version": .int(Int64(r.version)), "position": .uint(r.position),
                    "head": .uint(r.head), "lagEvents": .uint(r.lagEvents), "lagSeconds": .double(r.lagSeconds.rounded()),
                    "state": .string(r.state), "skipped": .int(Int64(r.skipped)),
                ]
                o["fileVersion"] = r.fileVersion.map { .int(Int64($0)) } ?? .null
                if let rp = r.rebuildPosition { o["rebuildPosition"] = .uint(rp) }
                return .object(o)
            }).text)
            return
        }
        let width = max(10, rows.map(\.name.count).max() ?? 0)
        print("\("NAME".padding(toLength: width, withPad: " ", startingAt: 0))  POSITION      HEAD  LAG(EVENTS)  LAG(S)  STATE")
        for r in rows {
            let cols = [String(r.position), String(r.head), String(r.lagEvents), String(Int(r.lagSeconds.rounded()))]
            let widths = [8, 9, 11, 6]
            let padded = zip(cols, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }
            print("\(r.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(padded.joined(separator: "  "))  \(r.state)")
        }
    }

    /// The file's version, position and number of skipped events; nil when it does not exist or
    /// was never initialised. Opens it read-only (a runner may own it).
    /// - Throws: when the file cannot be opened or read, or fails `PRAGMA quick_check`.
    static func checkpoint(_ path: String) throws -> (version: Int, position: UInt64, skipped: Int)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        defer { try? db.close() }
        return try db.read { db in
            let check = try String.fetchOne(db, sql: "PRAGMA quick_check")
            guard check == "ok" else { throw AdminError.failure("PRAGMA quick_check: \(check ?? "no result")") }
            guard try db.tableExists("projection_meta"),
                  let row = try GRDB.Row.fetchOne(db, sql: "SELECT version, position FROM projection_meta WHERE id = 1") else { return nil }
            let position: Int64 = row["position"]
            return (row["version"], UInt64(position), try SkippedEvents.all(db).count)
        }
    }

    /// True when a runner holds the projection's lock (probed with a shared non-blocking flock).
    static func isOwned(_ lockPath: String) -> Bool {
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }
}

struct ProjectionsRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections side by side, then swap them in (the old file serves until the swap).",
        discussion: "Takes each projection's lock: exit 3 while a server's runner owns it. Shows a progress bar with rate and ETA on a terminal, plain lines otherwise.")

    @OptionGroup var dataOptions: DataOptions

    @Argument(help: "The projection to rebuild (see 'projections list').") var name: String?
    @Flag(help: "Rebuild every projection.") var all = false

    func validate() throws {
        if all == (name != nil) { throw ValidationError("give a projection NAME or --all (not both)") }
        if let name, let known = try? AdminProjectors(directory: dataOptions.directory, log: nil), known.named(name) == nil {
            throw ValidationError("no projection named '\(name)'; known: \(known.names.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let registered = try AdminProjectors(directory: dir, log: log)
        let projectors = all ? registered.all : [registered.named(name!)!]
        let runner = try ProjectionRunner(log: log, directory: dir.projectionsPath, projectors: projectors,
                                          options: .bulk())
        // A damaged file was moved aside when the runner opened it; the rebuild below builds
        // that projection again from the log.
        for damaged in runner.damagedFiles { printError("warning: \(damaged)") }
        // Requested before the loops start, so each begins with a fresh side file: a side file
        // left by an interrupted run would otherwise be resumed and swapped in, and only the
        // request's own swap says that the projection was rebuilt by this command.
        let head = log.head().position
        let started = Date()
        do {
            let requests = try projectors.map { try runner.rebuild($0.name) }
            runner.start()
            for (p, request) in zip(projectors, requests) {
                var progress = Progress(label: p.name, total: head, started: started)
                while true {
                    let s = try runner.status(of: p.name)
                    if s.state == .failed {
                        throw AdminError.failure("projection '\(p.name)' failed: \(s.error ?? "unknown error"); the previous file still serves; fix the cause and rebuild again")
                    }
                    if try runner.isSwappedIn(request), s.state == .live, s.rebuild == nil, s.position >= head,
                       s.servedVersion == p.version { break }
                    let done = s.rebuild?.position ?? s.position
                    progress.update(done, rate: s.rebuild?.eventsPerSecond ?? s.eventsPerSecond, eta: s.rebuild?.etaSeconds ?? s.etaSeconds)
                    try await Task.sleep(for: .milliseconds(100))
                }
                progress.update(head)
                progress.finish()
                print("\(p.name) v\(p.version) rebuilt to position \(head) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            }
        } catch {
            await runner.stop()
            throw error
        }
        await runner.stop()
    }
}
