import Foundation
import GRDB
import Synchronization

/// The tender board's `bids` rows of a build's batch, kept in memory and inserted at the end of
/// the batch (`flush`, from `finishBatch`) sorted by bid id, like `SortedIdPairInserts`: SQLite
/// then walks the `WITHOUT ROWID` B-tree in key order instead of seeking a random leaf for each
/// of the ~220,000 bids of a million events.
///
/// The rows are the same as when each is inserted at once. `INSERT OR IGNORE` keeps the first
/// row of a bid id: the flush inserts a batch's rows in the order of their ids and, for one id,
/// in the order they came, so the first one wins, over a row stored before as well. A change
/// of a bid (`BidWithdrawn`, `BidEvaluated`) runs its `UPDATE` on the stored rows as before and
/// is also made to the kept rows of that bid (`update`); no handler reads `bids`.
///
/// Used only while a build defers the query indexes (`DeferredIndexes`); live batches insert
/// each row at once. Kept per connection; `begin` drops what a rolled-back batch left.
final class PendingBids: Sendable {
    struct Row {
        var bidId: UUID
        var tenderId: UUID
        var bidderKind: String
        var bidderId: UUID
        var lots: String
        var priceCents: Int64
        var priceBasis: String
        var status = "submitted"
        var scoreHundredths: Int64?
        var rank: Int64?
    }

    private struct Kept {
        var rows: [Row] = []
        /// The indexes in `rows` of each bid id's rows.
        var byBid: [UUID: [Int]] = [:]
    }

    private let pending = Mutex<[ObjectIdentifier: Kept]>([:])

    static let insert = """
        INSERT OR IGNORE INTO bids (bid_id, tender_id, bidder_kind, bidder_id, lots, price_cents, price_basis, status, score_hundredths, rank)
        VALUES (?,?,?,?,?,?,?,?,?,?)
        """

    /// At the start of a batch: keeps its rows when `buffered`, else they are inserted at once.
    func begin(buffered: Bool, _ db: Database) {
        let key = ObjectIdentifier(db)
        pending.withLock { $0[key] = buffered ? Kept() : nil }
    }

    /// Keeps `row` for `flush`; false when this batch inserts at once.
    func keep(_ row: Row, _ db: Database) -> Bool {
        let key = ObjectIdentifier(db)
        return pending.withLock { pending -> Bool in
            guard pending[key] != nil else { return false }
            pending[key]!.byBid[row.bidId, default: []].append(pending[key]!.rows.count)
            pending[key]!.rows.append(row)
            return true
        }
    }

    /// Makes `change` to the kept rows of `bid` (the `UPDATE` of the stored ones runs anyway).
    func update(_ bid: UUID, _ db: Database, _ change: (inout Row) -> Void) {
        let key = ObjectIdentifier(db)
        pending.withLock { pending in
            guard let indexes = pending[key]?.byBid[bid] else { return }
            for i in indexes { change(&pending[key]!.rows[i]) }
        }
    }

    /// At the end of a batch: inserts the kept rows ordered by bid id, then by arrival.
    func flush(_ db: Database) throws {
        let key = ObjectIdentifier(db)
        guard let kept = pending.withLock({ $0.removeValue(forKey: key) }), !kept.rows.isEmpty else { return }
        let rows = kept.rows
        let order = rows.indices.sorted { i, j in
            let c = withUnsafeBytes(of: rows[i].bidId.uuid) { x in
                withUnsafeBytes(of: rows[j].bidId.uuid) { y in memcmp(x.baseAddress!, y.baseAddress!, 16) }
            }
            return c != 0 ? c < 0 : i < j
        }
        let statement = try db.cachedStatement(sql: Self.insert)
        for i in order {
            let row = rows[i]
            try statement.run { b in
                b.id(1, row.bidId)
                b.id(2, row.tenderId)
                b.text(3, row.bidderKind)
                b.id(4, row.bidderId)
                b.text(5, row.lots)
                b.int(6, row.priceCents)
                b.text(7, row.priceBasis)
                b.text(8, row.status)
                b.int(9, row.scoreHundredths)
                b.int(10, row.rank)
            }
        }
    }
}
