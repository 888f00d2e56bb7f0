import EventLog
import Foundation
import GRDB

/// Keeps a set of projections up to date with the log.
///
/// Each projector gets its own SQLite file `DIRECTORY/NAME.sqlite`, owned exclusively through
/// `NAME.lock`. Started, a projection catches up from its checkpoint in batches — rows and
/// checkpoint in one transaction per batch, so a crash at any instant loses nothing and applies
/// nothing twice — then follows the log live (woken by commits, no polling). When a projector's
/// version differs from its file's, or on `rebuild(_:)`, a new file is built side by side while
/// the old one keeps answering queries, and swapped in once it reaches the head.
///
/// ```swift
/// let runner = try ProjectionRunner(log: log, directory: "data/projections",
///                                   projectors: [MembersByNeighbourhood()])
/// runner.start()
/// let result = try await log.append(stream: "member-42", expectedVersion: .noStream, events: events)
/// let members = try await runner.read("members-by-neighbourhood", atLeast: result.head.position) { db in
///     try String.fetchAll(db, sql: "SELECT id FROM members WHERE neighbourhood = ?", arguments: ["Wyck"])
/// }
/// await runner.stop()
/// ```
///
/// Thread-safe. Each projection's batches run on its GRDB writer queue, never blocking Swift's
/// cooperative threads.
public final class ProjectionRunner: Sendable {
    public struct Options: Sendable {
        /// Events per transaction (the last batch before the head may be smaller).
        public var batchSize: Int
        /// A batch that takes longer than this is committed early, at an event boundary.
        public var maxBatchDuration: Duration
        /// Maximum concurrent read connections per projection.
        public var readers: Int
        /// "Now" for lag and rate figures (injected in tests).
        public var clock: @Sendable () -> Timestamp
        /// A serving file built from nothing over a non-empty log is written with
        /// `synchronous=OFF` and fsynced once when it first reaches the head (true, the
        /// default), or with `synchronous=NORMAL` from the first batch (false: what a benchmark
        /// that prescribes NORMAL measures).
        public var unsyncedFirstBuild: Bool
        /// Following live, how long a projection woken by a commit waits for more commits
        /// before applying them in one transaction (not while a reader waits for a position).
        public var liveGather: Duration

        public init(batchSize: Int = 1000, maxBatchDuration: Duration = .seconds(1), readers: Int = 4,
                    clock: @escaping @Sendable () -> Timestamp = Timestamp.now, unsyncedFirstBuild: Bool = true,
                    liveGather: Duration = .milliseconds(5)) {
            self.liveGather = liveGather
            self.batchSize = batchSize
            self.maxBatchDuration = maxBatchDuration
            self.readers = readers
            self.clock = clock
            self.unsyncedFirstBuild = unsyncedFirstBuild
        }

        /// For a build or rebuild that nobody follows live (`fabriek-admin projections rebuild`,
        /// the bench): 250,000 events per transaction, committed at least every 10 s. A read
        /// model's tables take new rows at random keys, so each commit rewrites most of the
        /// pages it touched (into the WAL, then the file); fewer commits write those pages less
        /// often. Over the 1M domain log, 250,000 against 50,000 events per transaction was
        /// 20.9 against 34.9 s for the five Fabriek read models (README, issue 12).
        public static func bulk() -> Options {
            Options(batchSize: 250_000, maxBatchDuration: .seconds(10))
        }
    }

    public let directory: String
    public let log: EventLog
    let workers: [String: ProjectionWorker]
    /// Projector names in the order given.
    public let names: [String]

    /// Takes each projection's lock and opens its files; applies no event until `start()`.
    /// A file that cannot be used is moved aside and its projection rebuilt (see
    /// `damagedFiles`); the other projections are not affected.
    ///
    /// - Throws: `ProjectionError.locked` when another runner owns one of the projections
    ///   (nothing is kept locked then), `.invalidName`, `.foreignFile`, `.io`, or a GRDB error
    ///   from a projector's migrations.
    public init(log: EventLog, directory: String, projectors: [any Projector], options: Options = Options()) throws {
        SQLiteProcessSettings.configure()
        self.log = log
        self.directory = directory
        var seen = Set<String>()
        for p in projectors {
            try Self.validate(p.name)
            guard seen.insert(p.name).inserted else {
                throw ProjectionError.invalidName(p.name, rule: "used by two projectors")
            }
        }
        try ProjectionFiles.makeDirectory(directory)
        var workers: [String: ProjectionWorker] = [:]
        do {
            for p in projectors {
                workers[p.name] = try ProjectionWorker(projector: p, directory: directory, log: log, options: options)
            }
        } catch {
            for w in workers.values { w.releaseUnstarted() }
            throw error
        }
        self.workers = workers
        self.names = projectors.map(\.name)
    }

    private static func validate(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 100, name.allSatisfy(allowed.contains), !name.hasPrefix(".") else {
            throw ProjectionError.invalidName(name, rule: "use 1 to 100 letters, digits, '-', '_' or '.', not starting with '.'")
        }
    }

    func worker(_ name: String) throws -> ProjectionWorker {
        guard let w = workers[name] else { throw ProjectionError.unknownProjection(name) }
        return w
    }

    /// Starts every projection's loop. Calling it again does nothing.
    public func start() {
        for name in names { workers[name]!.start() }
    }

    /// Stops every loop after its batch in flight, fails pending waits with `.stopped`, closes
    /// the files and releases the locks. The runner cannot be restarted; open a new one.
    public func stop() async {
        await withTaskGroup(of: Void.self) { group in
            for w in workers.values { group.addTask { await w.stop() } }
        }
    }

    /// A rebuild asked for with `rebuild(_:)`.
    public struct RebuildRequest: Sendable, Hashable {
        public let projection: String
        let number: UInt64
    }

    /// Starts a side-by-side rebuild of `name` (restarting one in progress). Queries keep
    /// reading the current file until the rebuild reaches the head and is swapped in.
    ///
    /// Returns the request, for `isSwappedIn(_:)`: the end of a rebuild begun before the
    /// request (one resumed from an earlier run's side file) does not answer it. Requests made
    /// before `start()` are taken before any event is applied.
    @discardableResult
    public func rebuild(_ name: String) throws -> RebuildRequest {
        RebuildRequest(projection: name, number: try worker(name).requestRebuild())
    }

    /// Whether a file rebuilt after `request` now serves its projection (then no side file of
    /// that rebuild remains). It may still catch up with commits made since it reached the head.
    public func isSwappedIn(_ request: RebuildRequest) throws -> Bool {
        try worker(request.projection).hasSwappedIn(request: request.number)
    }

    /// Resumes a `failed` projection from its last checkpoint (after fixing a transient cause
    /// such as a full disk). A projector that throws again fails again at the same event.
    /// - Throws: `.failed` when it failed mid-swap (restart the runner), `.stopped`,
    ///   `.unknownProjection`.
    public func retry(_ name: String) throws {
        try worker(name).retry()
    }

    /// The projection files found unusable when the runner opened them (unopenable, failing
    /// `PRAGMA quick_check`, another application's or projection's file): each was moved aside
    /// to `NAME.damaged-TIMESTAMP`, and its projection is built again from the log. Tell the
    /// operator.
    public var damagedFiles: [DamagedProjectionFile] {
        names.flatMap { workers[$0]!.damagedAtOpen }
    }

    /// A snapshot of every projection, in the order the projectors were given.
    public func status() -> [ProjectionStatus] {
        names.map { workers[$0]!.status() }
    }

    /// A snapshot of one projection.
    public func status(of name: String) throws -> ProjectionStatus {
        try worker(name).status()
    }
}

extension ProjectionWorker {
    /// Closes the files and releases the lock of a worker that never started (failed init).
    func releaseUnstarted() {
        let (main, rebuild) = state.withLock { s in
            defer { s.main = nil; s.rebuild = nil; s.stopped = true }
            return (s.main, s.rebuild)
        }
        try? main?.pool.close()
        try? rebuild?.pool.close()
        lock.release()
    }
}
