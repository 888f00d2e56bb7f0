import EventLog
import GRDB
import Synchronization

/// Runs one projection: owns its lock, its serving file and its rebuild file, applies batches
/// in a loop, and answers status, waits and reads. Its loop is the only writer of its files.
final class ProjectionWorker: Sendable {
    let projector: any Projector
    let files: ProjectionFiles
    let log: EventLog
    let options: ProjectionRunner.Options
    let filter: TypeFilter
    let lock: ProjectionLock
    let state: Mutex<State>
    /// Files found unusable when the worker opened them, moved aside (the projection is then
    /// built again from the log).
    let damagedAtOpen: [DamagedProjectionFile]

    struct State: Sendable {
        /// The file answering queries; nil only during a swap.
        var main: ProjectionDatabase?
        var mainPosition: UInt64
        var mainVersion: Int
        /// Counts the swaps of the serving file: with `mainPosition` it names exactly what a
        /// read sees (`ProjectionRunner.served`).
        var mainGeneration: UInt64 = 0
        /// The serving file is being built from nothing with `synchronous=OFF` (marker
        /// `NAME.unsynced`) and is fsynced when it first reaches the head.
        var mainUnsynced = false
        var rebuild: ProjectionDatabase?
        var rebuildPosition: UInt64 = 0
        var rebuildRequested = false
        /// Rebuilds requested so far (`requestRebuild()` returns the new count as the request's
        /// number).
        var rebuildRequests: UInt64 = 0
        /// The number of the last request the rebuild file in progress was begun after; 0 for a
        /// rebuild no request began (resumed from an earlier run, or a version change).
        var rebuildServesRequest: UInt64 = 0
        /// Every request up to this number has been answered by a file begun after it and
        /// swapped in.
        var rebuildsSwappedIn: UInt64 = 0
        var phase: ProjectionState
        var failure: String?
        /// Progress of the rebuild file.
        var rate = RateMeter()
        /// Progress of the serving file while it catches up.
        var catchUpRate = RateMeter()
        var waiters = PositionWaiters()
        var readersWaitingForSwap: [CheckedContinuation<Void, Never>] = []
        var task: Task<Void, Never>?
        var wakeTask: Task<Void, Never>?
        /// The wait of `gatherCommits` in progress: a reader that begins to wait for a position,
        /// a poke or a stop ends it.
        var gatherTask: Task<Void, Never>?
        /// When the serving file's last batch began (`gatherCommits` spaces live batches).
        var lastBatchStarted: ContinuousClock.Instant?
        var poked = false
        var stopped = false
    }

    /// Takes the lock and opens the files, deciding from the stored versions whether a
    /// rebuild is due or in progress. Applies no event.
    init(projector: any Projector, directory: String, log: EventLog, options: ProjectionRunner.Options) throws {
        self.projector = projector
        self.files = ProjectionFiles(directory: directory, name: projector.name)
        self.log = log
        self.options = options
        self.filter = TypeFilter(projector.handledTypes)
        lock = try ProjectionLock(path: files.lock, projection: projector.name)
        do {
            let damaged = try Self.moveAsideDamaged(files: files, projection: projector.name)
            do {
                state = Mutex(try Self.openFiles(projector: projector, files: files, head: log.head().position, options: options))
            } catch let error as DatabaseError {
                throw ProjectionError.failed(projection: projector.name,
                                             reason: "opening \(files.main) (or \(files.rebuild)) failed: \(error)")
            }
            damagedAtOpen = damaged
        } catch {
            lock.release()
            throw error
        }
        let now = options.clock()
        state.withLock { s in
            s.catchUpRate.record(position: s.mainPosition, at: now)
            if s.rebuild != nil { s.rate.record(position: s.rebuildPosition, at: now) }
        }
    }

    /// Moves every existing file of the projection that cannot be used aside (see
    /// `ProjectionFileCheck`). A file that may have lost writes in an OS crash (written unsynced
    /// under another boot, `mayBeDamaged`) is left to `openFiles`, which discards it: it was
    /// derived from the log moments ago and is documented to be rebuilt.
    private static func moveAsideDamaged(files: ProjectionFiles, projection: String) throws -> [DamagedProjectionFile] {
        var damaged: [DamagedProjectionFile] = []
        let candidates: [(String, String, ProjectionFiles.File)] = [
            (files.rebuild, "\(projection).rebuild", .rebuild), (files.main, projection, .main),
        ]
        for (path, label, kind) in candidates where ProjectionFiles.exists(path) && !files.mayBeDamaged(kind) {
            guard let reason = ProjectionFileCheck.problem(path: path, projection: projection) else { continue }
            let moved = try ProjectionFileCheck.moveAside(path, label: label, directory: files.directory)
            damaged.append(DamagedProjectionFile(projection: projection, path: path, movedTo: moved, reason: reason))
        }
        return damaged
    }

    /// Decides what to serve and what to build:
    /// - a rebuild file of the projector's version resumes from its own checkpoint;
    /// - a main file of another version is served while a rebuild runs beside it;
    /// - a file whose checkpoint is beyond the log's head was built from another log: it is
    ///   rebuilt the same way (a rebuild file beyond the head is discarded);
    /// - a main file built from nothing over a non-empty log is written with `synchronous=OFF`
    ///   until it first reaches the head (then fsynced); one left unsynced by an earlier boot
    ///   is discarded with any rebuild beside it and built again.
    private static func openFiles(projector: any Projector, files: ProjectionFiles, head: UInt64,
                                  options: ProjectionRunner.Options) throws -> State {
        let version = projector.version
        var rebuild: (ProjectionDatabase, ProjectionMetadata)?
        if ProjectionFiles.exists(files.main) && files.mayBeDamaged(.main) {
            // Built from nothing with synchronous=OFF and not fsynced before an OS crash: start over.
            try ProjectionFiles.removeDatabase(files.rebuild)
            try files.clearUnsynced(.rebuild)
            try ProjectionFiles.removeDatabase(files.main)
        }
        if ProjectionFiles.exists(files.rebuild) && files.mayBeDamaged(.rebuild) {
            // Written with synchronous=OFF and not fsynced before an OS crash: start it over.
            try ProjectionFiles.removeDatabase(files.rebuild)
        }
        if !ProjectionFiles.exists(files.rebuild) { try files.clearUnsynced(.rebuild) }
        if ProjectionFiles.exists(files.rebuild) {
            if !ProjectionFiles.exists(files.main) {
                // Only a swap renames the rebuild file onto the main one; finish it.
                try ProjectionFiles.removeDatabase(files.main)
                try ProjectionFiles.replace(files.main, with: files.rebuild, directory: files.directory)
                try files.clearUnsynced(.main)
            } else {
                try files.markUnsynced(.rebuild)
                let (db, meta) = try ProjectionDatabase.open(path: files.rebuild, projector: projector, readers: 1,
                                                             durability: .untilSynced)
                if meta.version == version && meta.position <= head {
                    try db.migrate(projector)
                    rebuild = (db, meta)
                } else {
                    try db.pool.close()
                    try ProjectionFiles.removeDatabase(files.rebuild)
                    try files.clearUnsynced(.rebuild)
                }
            }
        }
        if !ProjectionFiles.exists(files.main) {
            if head > 0 && options.unsyncedFirstBuild { try files.markUnsynced(.main) } else { try files.clearUnsynced(.main) }
        }
        let mainUnsynced = files.isUnsynced(.main)
        let (main, meta) = try ProjectionDatabase.open(path: files.main, projector: projector, readers: options.readers,
                                                       durability: mainUnsynced ? .untilSynced : .serving)
        if meta.version == version {
            try main.migrate(projector)
        }
        if (meta.version != version || meta.position > head) && rebuild == nil {
            try files.markUnsynced(.rebuild)
            rebuild = try ProjectionDatabase.create(path: files.rebuild, projector: projector, readers: 1, durability: .untilSynced)
        }
        // A file from another log has applied nothing of this one: waits go to the rebuild.
        return State(main: main, mainPosition: meta.position <= head ? meta.position : 0, mainVersion: meta.version,
                     mainUnsynced: mainUnsynced, rebuild: rebuild?.0, rebuildPosition: rebuild?.1.position ?? 0,
                     phase: rebuild == nil ? .catchingUp : .rebuilding)
    }

    var name: String { projector.name }

    // MARK: - Lifecycle

    func start() {
        state.withLock { s in
            guard s.task == nil, !s.stopped else { return }
            s.task = Task { [self] in await run() }
        }
    }

    /// Stops the loop after the batch in flight (which commits or rolls back as a whole), fails
    /// pending waits with `.stopped`, closes the files (fsyncing a rebuild file) and releases
    /// the lock.
    func stop() async {
        let task = state.withLock { s in
            s.stopped = true
            return s.task
        }
        task?.cancel()
        poke()
        await task?.value
        let (main, mainUnsynced, rebuild, waiters, readers) = state.withLock { s in
            defer {
                s.main = nil
                s.rebuild = nil
                s.readersWaitingForSwap = []
            }
            return (s.main, s.mainUnsynced, s.rebuild, s.waiters.removeAll(), s.readersWaitingForSwap)
        }
        for w in waiters { w.resume(throwing: ProjectionError.stopped(projection: name)) }
        for r in readers { r.resume() }
        let files = self.files
        _ = try? await offload {
            if mainUnsynced, let main {
                // Built from nothing and stopped before the head: made durable for a later run.
                try main.makeDurable()
                try files.clearUnsynced(.main)
            }
            try main?.pool.close()
            if let rebuild {
                // Left for a later run to resume: made durable first (it was written unsynced).
                try rebuild.closeForRename()
                try ProjectionDatabase.syncToDisk(files.rebuild)
                try files.clearUnsynced(.rebuild)
            }
        }
        lock.release()
    }

    /// Wakes the loop if it is waiting for commits (to look at a rebuild request or stop).
    func poke() {
        let (wake, gather) = state.withLock { s in
            s.poked = true
            return (s.wakeTask, s.gatherTask)
        }
        wake?.cancel()
        gather?.cancel()
    }

    /// Restarts the loop of a failed projection from its last checkpoint. Nothing happens
    /// unless the state is `failed`.
    /// - Throws: `.failed` when the failure came in the middle of a swap (restart the runner:
    ///   opening the files finishes the swap), `.stopped`.
    func retry() throws {
        try state.withLock { s throws(ProjectionError) in
            if s.stopped { throw .stopped(projection: name) }
            guard s.phase == .failed else { return }
            if s.main == nil || s.rebuild?.retired.load(ordering: .acquiring) == true {
                throw .failed(projection: name, reason: "it failed while swapping in a rebuild; restart the runner to finish the swap")
            }
            s.failure = nil
            s.phase = s.rebuild == nil ? .catchingUp : .rebuilding
            s.task = Task { [self] in await run() }
        }
    }

    /// Asks the loop to begin a fresh rebuild (discarding one in progress) and returns the
    /// request's number for `hasSwappedIn(request:)`.
    func requestRebuild() -> UInt64 {
        let number = state.withLock { s in
            s.rebuildRequested = true
            s.rebuildRequests += 1
            return s.rebuildRequests
        }
        poke()
        return number
    }

    /// Whether a rebuild file begun after request `number` has been swapped in. A swap of a
    /// rebuild begun earlier (resumed from an earlier run, or begun before the request) does
    /// not count: its file may predate what the caller asked for.
    func hasSwappedIn(request number: UInt64) -> Bool {
        state.withLock { $0.rebuildsSwappedIn >= number }
    }

    // MARK: - The loop

    private func run() async {
        while !Task.isCancelled {
            do {
                let request = state.withLock { s -> UInt64? in
                    defer { s.rebuildRequested = false }
                    return s.rebuildRequested ? s.rebuildRequests : nil
                }
                if let request { try await beginRebuild(forRequest: request) }
                let head = log.head().position
                let (target, position, rebuilding, mainUnsynced) = state.withLock { s in
                    s.rebuild.map { ($0, s.rebuildPosition, true, s.mainUnsynced) } ?? (s.main!, s.mainPosition, false, s.mainUnsynced)
                }
                if position < head {
                    let scan = ProjectionDatabase.Scan(from: position + 1, through: head, head: head,
                                                       bulk: rebuilding || mainUnsynced, batchSize: options.batchSize,
                                                       timeLimit: options.maxBatchDuration)
                    // A serving file built from nothing is made durable before the batch that
                    // brought it to the head is published.
                    let publishAfterSync = !rebuilding && mainUnsynced
                    if !rebuilding { state.withLock { $0.lastBatchStarted = .now } }
                    let through = try await target.apply(scan, log: log, projector: projector, filter: filter) { [self] through in
                        if publishAfterSync && through >= head { return false }
                        committed(through: through, head: head, rebuilding: rebuilding)
                        return !pauseRequested()
                    }
                    if publishAfterSync && through >= head {
                        try await makeMainDurable(target)
                        committed(through: through, head: head, rebuilding: rebuilding)
                    }
                    continue
                }
                if rebuilding {
                    try await swap()
                    continue
                }
                state.withLock { s in if s.phase == .catchingUp { s.phase = .live } }
                if !mainUnsynced { try await target.followLive() }
                await waitForCommit(after: position)
                await gatherCommits()
                // A closed log also ends the wait; reading it then throws `.closed`.
                try log.forEachEvent(from: position + 1, through: position) { _ in }
            } catch {
                if Task.isCancelled { return }
                fail(error)
                return
            }
        }
    }

    /// Whether the scan in progress should end after the batch it just committed: the worker
    /// is stopping, or a rebuild was requested.
    private func pauseRequested() -> Bool {
        state.withLock { $0.stopped || $0.rebuildRequested }
    }

    /// Fsyncs a serving file built from nothing once it has reached the head: from then on its
    /// commits are `synchronous=NORMAL`. Nothing when the file is already durable.
    private func makeMainDurable(_ main: ProjectionDatabase) async throws {
        guard state.withLock({ $0.mainUnsynced }) else { return }
        let files = self.files
        try await offload {
            try main.makeDurable()
            try files.clearUnsynced(.main)
        }
        state.withLock { $0.mainUnsynced = false }
    }

    private func committed(through: UInt64, head: UInt64, rebuilding: Bool) {
        let now = options.clock()
        let resumed = state.withLock { s -> [CheckedContinuation<Void, any Error>] in
            if rebuilding {
                s.rebuildPosition = through
                s.rate.record(position: through, at: now)
                return []
            }
            s.mainPosition = through
            s.catchUpRate.record(position: through, at: now)
            if through >= head, s.phase == .catchingUp { s.phase = .live }
            return s.waiters.reached(through)
        }
        for c in resumed { c.resume() }
    }

    /// Whether the loop is in `gatherCommits`'s wait (for tests).
    var isGathering: Bool { state.withLock { $0.gatherTask != nil } }

    /// Whether the loop waits for a commit at the head (for tests).
    var isWaitingForCommit: Bool { state.withLock { $0.wakeTask != nil } }

    /// Following live, every commit wakes every projection waiting at the head; waiting before
    /// applying takes the commits of those milliseconds in one transaction, which writes each
    /// page it touches once rather than once per commit (profiled under 64 connections of
    /// commands: a fifth of the server's CPU went to projection transactions of one or two
    /// commits). A woken projection waits until `liveGather` has passed since its last batch
    /// began: not at all after a quiet spell. (A projection that is behind when a batch ends
    /// applies the next one at once, as before.) Not while a reader waits for a position: a
    /// reader that begins to wait, a poke or a stop ends the wait at once (read-your-writes is
    /// not delayed).
    private func gatherCommits() async {
        let delay = options.liveGather
        guard delay > .zero else { return }
        let remaining = state.withLock { s in s.lastBatchStarted.map { delay - (ContinuousClock.now - $0) } ?? .zero }
        guard remaining > .zero else { return }
        let sleeper = Task { _ = try? await Task.sleep(for: remaining) }
        let waits = state.withLock { s in
            guard s.waiters.isEmpty && !s.poked && !s.stopped else { return false }
            s.gatherTask = sleeper
            return true
        }
        guard waits else {
            sleeper.cancel()
            return
        }
        await withTaskCancellationHandler {
            await sleeper.value
        } onCancel: {
            sleeper.cancel()
        }
        state.withLock { $0.gatherTask = nil }
    }

    /// Suspends until the log holds an event after `position`, the worker is poked, or the
    /// task is cancelled. No polling: the log's writer wakes the waiter.
    private func waitForCommit(after position: UInt64) async {
        let log = self.log
        let waiter = Task {
            do {
                try await log.waitForCommit(of: position + 1)
            } catch LogError.writerFailed {
                // Nothing will be committed any more: wait to be poked or cancelled.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            } catch {
                // Closed or cancelled: return, as the subscription's end did.
            }
        }
        let alreadyPoked = state.withLock { s in
            if s.poked || s.stopped {
                s.poked = false
                return true
            }
            s.wakeTask = waiter
            return false
        }
        if alreadyPoked { waiter.cancel() }
        await withTaskCancellationHandler {
            await waiter.value
        } onCancel: {
            waiter.cancel()
        }
        state.withLock { s in
            s.wakeTask = nil
            s.poked = false
        }
    }

    private func fail(_ error: any Error) {
        let reason = (error as? ProjectionError).map { "\($0)" } ?? String(describing: error)
        let (waiters, readers) = state.withLock { s in
            s.phase = .failed
            s.failure = reason
            defer { s.readersWaitingForSwap = [] }
            return (s.waiters.removeAll(), s.readersWaitingForSwap)
        }
        for w in waiters { w.resume(throwing: ProjectionError.failed(projection: name, reason: reason)) }
        for r in readers { r.resume() }
    }
}
