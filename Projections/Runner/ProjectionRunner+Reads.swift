import EventLog
import GRDB

/// What a read of a projection sees right now: which serving file (`file` changes at every
/// swap after a rebuild) and its checkpoint. Two equal values mean the same rows, so an answer
/// computed from a read at `position` of file `file` may be reused while `served` is unchanged.
public struct ServedCheckpoint: Sendable, Hashable {
    public var file: UInt64
    public var position: UInt64
    public init(file: UInt64, position: UInt64) {
        self.file = file
        self.position = position
    }
}

extension ProjectionRunner {
    /// The serving file of projection `name` and its checkpoint, without reading the file (a
    /// lock, no I/O). Reads that start now see at least `position` (a read may see a later
    /// checkpoint committed meanwhile).
    ///
    /// - Throws: `ProjectionError.unknownProjection`.
    public func served(_ name: String) throws -> ServedCheckpoint {
        try worker(name).served
    }

    /// Suspends until projection `name` answers queries from a checkpoint at or beyond
    /// `position` (read-your-writes: pass the position an append returned). While a rebuild is
    /// in progress, the served file stands still, so a new position is reached after the swap.
    ///
    /// - Throws: `ProjectionError.timeout` (naming the position reached) when `timeout` passes
    ///   first; `.failed`, `.stopped`, `.unknownProjection`; `CancellationError`.
    public func waitUntil(_ name: String, reached position: UInt64, timeout: Duration = .seconds(10)) async throws {
        try await worker(name).waitUntil(position, timeout: timeout)
    }

    /// Reads projection `name`, first waiting (bounded by `timeout`) until it has reached
    /// `position` when one is given. The closure runs on a read-only connection of the serving
    /// file and sees one consistent snapshot (a whole number of batches).
    ///
    /// - Throws: what `waitUntil` throws, and what `body` or SQLite throws.
    public func read<T: Sendable>(_ name: String, atLeast position: UInt64? = nil, timeout: Duration = .seconds(10),
                                  _ body: @Sendable (Database) throws -> T) async throws -> T {
        let w = try worker(name)
        if let position { try await w.waitUntil(position, timeout: timeout) }
        return try await w.read(body)
    }

    /// `read`, also giving `body` the checkpoint of the snapshot it reads (the position whose
    /// effects it holds, exactly; read in the same transaction), e.g. to key a cache of
    /// results or to answer with the position a response reflects.
    public func readAtPosition<T: Sendable>(_ name: String, atLeast position: UInt64? = nil, timeout: Duration = .seconds(10),
                                            _ body: @Sendable (Database, UInt64) throws -> T) async throws -> T {
        try await read(name, atLeast: position, timeout: timeout) { db in
            let statement = try db.cachedStatement(sql: "SELECT position FROM projection_meta WHERE id = 1")
            let checkpoint = try Int64.fetchOne(statement) ?? 0
            return try body(db, UInt64(checkpoint))
        }
    }
}
