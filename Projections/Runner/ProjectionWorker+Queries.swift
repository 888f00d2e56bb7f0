import EventLog
import GRDB

extension ProjectionWorker {
    /// The serving file's checkpoint.
    var servedPosition: UInt64 { state.withLock { $0.mainPosition } }

    /// The serving file's generation and checkpoint.
    var served: ServedCheckpoint { state.withLock { ServedCheckpoint(file: $0.mainGeneration, position: $0.mainPosition) } }

    /// Suspends until the serving file's checkpoint is at least `position`.
    /// - Throws: `.timeout` after `timeout`, `.failed`, `.stopped`, `CancellationError`.
    func waitUntil(_ position: UInt64, timeout: Duration) async throws {
        if state.withLock({ $0.mainPosition >= position }) { return }
        let id = state.withLock { $0.waiters.makeID() }
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            self?.expire(id, position: position, cancelled: false)
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let (now, gather): (Result<Void, any Error>?, Task<Void, Never>?) = state.withLock { s in
                    if s.mainPosition >= position { return (.success(()), nil) }
                    if let f = s.failure { return (.failure(ProjectionError.failed(projection: name, reason: f)), nil) }
                    if s.stopped { return (.failure(ProjectionError.stopped(projection: name)), nil) }
                    if let e = s.waiters.add(id, position: position, c) { return (.failure(e), nil) }
                    // A live projection gathering commits applies them now.
                    return (nil, s.gatherTask)
                }
                gather?.cancel()
                if let now { c.resume(with: now) }
            }
        } onCancel: {
            expire(id, position: position, cancelled: true)
        }
        state.withLock { $0.waiters.forget(id) }
    }

    private func expire(_ id: Int, position: UInt64, cancelled: Bool) {
        let (c, error): (CheckedContinuation<Void, any Error>?, any Error) = state.withLock { s in
            let error: any Error = cancelled ? CancellationError()
                : ProjectionError.timeout(projection: name, position: position, reached: s.mainPosition)
            return (s.waiters.expire(id, with: error), error)
        }
        c?.resume(throwing: error)
    }

    /// Reads the serving file. During a swap the read waits for the new file (a few
    /// milliseconds); a read that hit the old file as it was retired is retried on the new one.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        while true {
            let db = try await currentDatabase()
            do {
                return try await db.pool.read(body)
            } catch {
                if db.retired.load(ordering: .acquiring) { continue }
                throw error
            }
        }
    }

    /// The serving file, waiting while a swap is in progress.
    func currentDatabase() async throws -> ProjectionDatabase {
        while true {
            let (db, error): (ProjectionDatabase?, ProjectionError?) = state.withLock { s in
                if let m = s.main { return (m, nil) }
                if s.stopped { return (nil, .stopped(projection: name)) }
                if let f = s.failure { return (nil, .failed(projection: name, reason: f)) }
                return (nil, nil)
            }
            if let db { return db }
            if let error { throw error }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s in
                    if s.main != nil || s.stopped || s.failure != nil { return true }
                    s.readersWaitingForSwap.append(c)
                    return false
                }
                if ready { c.resume() }
            }
        }
    }

    func status() -> ProjectionStatus {
        let s = state.withLock { s in
            (s.mainPosition, s.phase, s.failure, s.rebuild != nil, s.rebuildPosition, s.rate, s.mainVersion, s.catchUpRate)
        }
        let (position, phase, failure, rebuilding, rebuildPosition, rate, servedVersion, catchUpRate) = s
        let head = log.head().position
        let lag = head > position ? head - position : 0
        var lagSeconds = 0.0
        if lag > 0 {
            var oldest: Timestamp?
            try? log.forEachEvent(from: position + 1, through: position + 1) { oldest = $0.recordedAt }
            if let oldest {
                let micros = options.clock().microsecondsSinceEpoch - oldest.microsecondsSinceEpoch
                lagSeconds = Double(max(0, micros)) / 1_000_000
            }
        }
        let progress = rebuilding
            ? RebuildProgress(position: rebuildPosition, eventsPerSecond: rate.eventsPerSecond,
                              etaSeconds: rate.eta(from: rebuildPosition, to: head))
            : nil
        let catchingUp = phase == .catchingUp
        return ProjectionStatus(name: name, version: projector.version, servedVersion: servedVersion,
                                state: phase, position: position,
                                head: head, lagEvents: lag, lagSeconds: lagSeconds,
                                eventsPerSecond: catchingUp ? catchUpRate.eventsPerSecond : nil,
                                etaSeconds: catchingUp ? catchUpRate.eta(from: position, to: head) : nil,
                                rebuild: progress, error: failure)
    }
}
