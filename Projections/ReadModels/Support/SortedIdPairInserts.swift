import Foundation
import GRDB
import Synchronization

/// Inserts into a key-only table of two ids (`INSERT OR IGNORE INTO t VALUES (?,?)`, primary key
/// on both) that `apply` never reads. While a build defers its query indexes (`DeferredIndexes`),
/// the rows of a batch are kept in memory and inserted at the end of the batch
/// (`flush`, from `finishBatch`), sorted by key: SQLite then walks the B-tree in order instead of
/// seeking a random leaf for every row (the ids are random UUIDs). Otherwise (live, small
/// commits) each row is inserted at once, as before. The rows are the same either way.
///
/// The pending rows are kept per connection, so one projector instance may serve several
/// runners at the same time; `begin` (from `beginBatch`) drops what a rolled-back batch left.
final class SortedIdPairInserts: Sendable {
    let sql: String
    private let pending = Mutex<[ObjectIdentifier: [(UUID, UUID)]]>([:])

    init(sql: String) { self.sql = sql }

    /// At the start of a batch: buffers its rows when `buffered`, else inserts them at once.
    func begin(buffered: Bool, _ db: Database) {
        let key = ObjectIdentifier(db)
        pending.withLock { $0[key] = buffered ? [] : nil }
    }

    /// Inserts the row now, or keeps it for `flush`.
    func insert(_ a: UUID, _ b: UUID, _ db: Database) throws {
        let key = ObjectIdentifier(db)
        let kept = pending.withLock { pending -> Bool in
            guard pending[key] != nil else { return false }
            pending[key]!.append((a, b))
            return true
        }
        if kept { return }
        try db.run(cached: sql) { binder in
            binder.id(1, a)
            binder.id(2, b)
        }
    }

    /// At the end of a batch: inserts the rows kept, in key order (the order of their lowercase
    /// text, which is the order of the UUIDs' bytes).
    func flush(_ db: Database) throws {
        let key = ObjectIdentifier(db)
        guard var rows = pending.withLock({ $0.removeValue(forKey: key) }), !rows.isEmpty else { return }
        rows.sort { x, y in
            let first = Self.compare(x.0, y.0)
            return first != 0 ? first < 0 : Self.compare(x.1, y.1) < 0
        }
        let statement = try db.cachedStatement(sql: sql)
        for (a, b) in rows {
            try statement.run { binder in
                binder.id(1, a)
                binder.id(2, b)
            }
        }
    }

    private static func compare(_ a: UUID, _ b: UUID) -> Int32 {
        withUnsafeBytes(of: a.uuid) { x in
            withUnsafeBytes(of: b.uuid) { y in memcmp(x.baseAddress!, y.baseAddress!, 16) }
        }
    }
}
