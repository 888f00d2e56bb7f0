import EventLog
import GRDB

extension ProjectionWorker {
    /// Starts a fresh side-by-side build in `NAME.rebuild.sqlite` (discarding one in progress).
    /// The serving file keeps answering queries, standing still at its checkpoint. `request`
    /// is the number of the last rebuild request this file answers (`requestRebuild()`).
    func beginRebuild(forRequest request: UInt64) async throws {
        let previous = state.withLock { s in
            defer { s.rebuild = nil }
            return s.rebuild
        }
        let projector = self.projector
        let files = self.files
        let fresh = try await offload {
            try previous?.pool.close()
            try files.markUnsynced(.rebuild)
            return try ProjectionDatabase.create(path: files.rebuild, projector: projector, readers: 1, durability: .untilSynced).0
        }
        let now = options.clock()
        state.withLock { s in
            s.rebuild = fresh
            s.rebuildServesRequest = request
            s.rebuildPosition = 0
            s.phase = .rebuilding
            s.rate.reset()
            s.rate.record(position: 0, at: now)
        }
    }

    /// Puts the finished rebuild in place of the serving file.
    ///
    /// Order matters for crash safety and for readers:
    /// 1. the rebuild file is checkpointed, closed (it then stands alone) and fsynced: it was
    ///    written with `synchronous=OFF`, and this is its one sync;
    /// 2. new reads wait; reads in flight on the old file finish on it; then it is closed and
    ///    its WAL emptied, so that no stale `-wal`/`-shm` can be mistaken for the new file's;
    /// 3. `rename(NAME.rebuild.sqlite, NAME.sqlite)` — atomic; a crash before it resumes the
    ///    (finished) rebuild and swaps again, a crash after it finds the new file in place;
    /// 4. the new file is opened and waiting reads proceed on it.
    func swap() async throws {
        guard let fresh = state.withLock({ $0.rebuild }) else { return }
        fresh.retired.store(true, ordering: .releasing)
        let files = self.files
        try await offload {
            try fresh.closeForRename()
            try ProjectionDatabase.syncToDisk(files.rebuild)
        }
        // `rebuild` stays set until the new file is installed: status keeps saying rebuilding.
        let old = state.withLock { s in
            defer { s.main = nil }
            return s.main
        }
        old?.retired.store(true, ordering: .releasing)
        let projector = self.projector
        let readers = options.readers
        let (db, meta) = try await offload {
            try old?.closeForRename()
            try ProjectionFiles.replace(files.main, with: files.rebuild, directory: files.directory)
            try files.clearUnsynced(.rebuild)
            try files.clearUnsynced(.main)
            return try ProjectionDatabase.open(path: files.main, projector: projector, readers: readers)
        }
        let head = log.head().position
        let now = options.clock()
        let (waiters, readersWaiting) = state.withLock { s in
            s.main = db
            s.mainUnsynced = false
            s.rebuild = nil
            s.rebuildsSwappedIn = max(s.rebuildsSwappedIn, s.rebuildServesRequest)
            s.rebuildServesRequest = 0
            s.mainPosition = meta.position
            s.mainVersion = meta.version
            s.mainGeneration += 1
            s.rebuildPosition = 0
            s.rate.reset()
            s.catchUpRate.reset()
            s.catchUpRate.record(position: meta.position, at: now)
            s.phase = meta.position >= head ? .live : .catchingUp
            defer { s.readersWaitingForSwap = [] }
            return (s.waiters.reached(meta.position), s.readersWaitingForSwap)
        }
        for r in readersWaiting { r.resume() }
        for w in waiters { w.resume() }
    }
}
