import EventLog
import Events
import Fabriek
import Foundation
import PersonalData
import FabriekReference
import Logging
import NIOPosix
import Projections

/// Everything one `fabriek serve` process owns: the log (as its one writer), the vault, the
/// application service, the live projections and the API tokens.
///
/// `open` takes the log's writer lock and the projections' locks, and starts the projections
/// (they catch up in the background; queries are answered meanwhile). `close` stops the
/// projections after their batch in flight, then closes the log (persisting its index).
public final class ServerRuntime: Sendable {
    public let layout: DataLayout
    public let log: EventLog
    public let vault: PersonalDataVault
    public let reference: ReferenceData
    public let service: ApplicationService
    public let runner: ProjectionRunner
    public let tokens: TokenStore
    /// The head when the process started: `/readyz` waits until every projection reached it.
    public let headAtStart: UInt64
    public let clock: ServiceClock
    /// Answers of the read routes for read models that did not change since.
    let responses = ResponseCache()
    /// A live projection woken by a commit waits until this interval has passed since its last
    /// batch began: a commit after a quiet spell is applied at once, commits in quick
    /// succession gather into one transaction (`ProjectionRunner.Options.liveGather`; never
    /// waiting while a reader waits for a
    /// position, so read-your-writes is not delayed). Under the load benchmark's command mix
    /// (64 connections) 50 ms against the runner's default 5 ms took the server's CPU per
    /// command from ~280 to ~160-190 µs: each projection transaction rewrites every page it
    /// touches into the WAL, and the member directory's full-text index is merged per
    /// transaction. 100 ms against 50 ms cut the projections' WAL writes from ~16 to ~10 KB
    /// per command (200 ms: no further gain). Readers without `minPosition` see a commit up to
    /// this much later (plus the batch's own time) under load.
    static let liveGather: Duration = .milliseconds(100)

    /// A command's handler waiting for its commit is resumed on the event loop it waited on
    /// (the loop of its request's connection, when Swift concurrency's jobs run on the loops as
    /// in `fabriek serve`): resumed from the log's writer thread the runtime would pick any
    /// loop, and the answer written from another loop than its connection's hops back to it.
    /// (Requests run on the process's singleton loops, which are never shut down, so a
    /// resumption handed to one always runs.) Under the command mix: ~5-8% less CPU per command.
    static let resumeOnCurrentEventLoop: ResumePlacement = {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
        return { resume in loop.execute(resume) }
    }

    /// - Throws: `LogError.locked` when another process writes the log, `ProjectionError.locked`
    ///   when another process owns a projection, and what opening the files throws.
    public static func open(layout: DataLayout, clock: ServiceClock = .system,
                            durability: EventLog.Durability = .fsync) throws -> ServerRuntime {
        SQLiteProcessSettings.configure()  // before the vault opens the process's first connection
        try FileManager.default.createDirectory(atPath: layout.path, withIntermediateDirectories: true)
        let log = try EventLog.open(directory: layout.logPath, options: EventLog.Options(durability: durability))
        do {
            let vault = try PersonalDataVault.open(directory: layout.path)
            let reference = try ReferenceData.load()
            let service = try ApplicationService(log: log, vault: vault, reference: reference, clock: clock,
                                                 resumePlacement: resumeOnCurrentEventLoop)
            let runner = try ProjectionRunner(log: log, directory: layout.projectionsPath,
                                              projectors: ServerProjectors.all(reference: reference, vault: vault),
                                              options: .init(liveGather: liveGather))
            let tokens = try TokenStore(path: layout.tokensPath)
            return ServerRuntime(layout: layout, log: log, vault: vault, reference: reference, service: service,
                                 runner: runner, tokens: tokens, clock: clock)
        } catch {
            try? log.close()
            throw error
        }
    }

    private init(layout: DataLayout, log: EventLog, vault: PersonalDataVault, reference: ReferenceData,
                 service: ApplicationService, runner: ProjectionRunner, tokens: TokenStore, clock: ServiceClock) {
        self.layout = layout
        self.log = log
        self.vault = vault
        self.reference = reference
        self.service = service
        self.runner = runner
        self.tokens = tokens
        self.clock = clock
        headAtStart = log.head().position
        runner.start()
    }

    /// True once every projection has reached the head the process started with.
    public var isReady: Bool {
        runner.status().allSatisfy { $0.position >= headAtStart && $0.state != .failed }
    }

    /// Stops the projections, then closes the log (its index persisted). Call once, after the
    /// HTTP server stopped accepting and finished its requests.
    public func close() async throws {
        await runner.stop()
        try log.close()
    }
}

/// The read models the server keeps live (the same list `fabriek-admin` registers).
public enum ServerProjectors {
    public static func all(reference: ReferenceData, vault: PersonalDataVault?) -> [any Projector] {
        ReadModels.all(geography: reference.maastricht, vault: vault)
    }
}

extension ServerRuntime {
    /// Today (UTC) by the service clock: the default of date fields a client leaves out.
    var today: Day {
        Day(daysSinceEpoch: Int32(clock.now().microsecondsSinceEpoch / 86_400_000_000))
    }
}
