import EventLog
import Events
import Foundation
import GRDB

/// The tender board: jobs with their lots, deadline, procedure and buyer; the bids on each
/// (counted for everyone, shown in detail to the buyer and the bidder); evaluations and awards.
public struct TenderBoardProjector: HandlerTableProjector {
    public let name = "tender-board"
    public let version = 2  // 2: key-only tables WITHOUT ROWID (one B-tree each)
    /// `bid_members` rows, kept per batch and inserted sorted while a build defers the indexes.
    let bidMembers = SortedIdPairInserts(sql: "INSERT OR IGNORE INTO bid_members VALUES (?,?)")
    /// `bids` rows, kept per batch and inserted sorted while a build defers the indexes.
    let bids = PendingBids()
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: tenders") { db in
            try db.execute(sql: """
                CREATE TABLE tenders (tender_id TEXT PRIMARY KEY, title TEXT NOT NULL, buyer_kind TEXT NOT NULL, buyer_name TEXT NOT NULL,
                    buyer_org TEXT, category TEXT NOT NULL, procedure TEXT NOT NULL, estimated_cents INTEGER NOT NULL, main_cpv TEXT NOT NULL,
                    deadline_us INTEGER NOT NULL, deadline TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', published_at TEXT NOT NULL);
                CREATE TABLE lots (tender_id TEXT NOT NULL, lot INTEGER NOT NULL, title TEXT NOT NULL, buurten TEXT NOT NULL,
                    estimated_cents INTEGER, PRIMARY KEY (tender_id, lot)) WITHOUT ROWID;
                CREATE TABLE bids (bid_id TEXT PRIMARY KEY NOT NULL, tender_id TEXT NOT NULL, bidder_kind TEXT NOT NULL, bidder_id TEXT NOT NULL,
                    lots TEXT NOT NULL, price_cents INTEGER NOT NULL, price_basis TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'submitted',
                    score_hundredths INTEGER, rank INTEGER) WITHOUT ROWID;
                CREATE TABLE bid_members (bid_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (bid_id, member_id)) WITHOUT ROWID;
                CREATE TABLE awards (tender_id TEXT NOT NULL, lot INTEGER NOT NULL, bid_id TEXT NOT NULL, value_cents INTEGER NOT NULL,
                    standstill_ends TEXT NOT NULL, finalised INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tender_id, lot)) WITHOUT ROWID;
                """)
            try Self.queryIndexes.create(db)
        }
    }

    /// The indexes only queries use: a build creates them at the head (`DeferredIndexes`).
    static let queryIndexes = DeferredIndexes(indexes: [
        ("tenders_by_status", "CREATE INDEX IF NOT EXISTS tenders_by_status ON tenders (status, deadline_us)"),
        ("bids_by_tender", "CREATE INDEX IF NOT EXISTS bids_by_tender ON bids (tender_id)"),
        ("bid_members_by_member", "CREATE INDEX IF NOT EXISTS bid_members_by_member ON bid_members (member_id)"),
    ])

    public func beginBuild(_ db: Database) throws { try Self.queryIndexes.beginBuild(db) }

    public func beginBatch(_ db: Database) throws {
        let deferred = try Self.queryIndexes.isDeferred(db)
        bidMembers.begin(buffered: deferred, db)
        bids.begin(buffered: deferred, db)
    }

    public func finishBatch(_ db: Database) throws {
        try bids.flush(db)
        try bidMembers.flush(db)
    }

    public func finishBuild(_ db: Database) throws { try Self.queryIndexes.finishBuild(db) }

    public static let handlers = EventHandlers<TenderBoardProjector>(
        .on(TenderPublished.self) { p, e, event, db in
            let recordedAt = event.recordedAt
            try db.run(cached: "INSERT OR IGNORE INTO tenders (tender_id, title, buyer_kind, buyer_name, buyer_org, category, procedure, estimated_cents, main_cpv, deadline_us, deadline, published_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)") { b in
                b.id(1, e.tenderId)
                b.text(2, e.title)
                b.text(3, e.buyer.kind.rawValue)
                b.text(4, e.buyer.name)
                b.text(5, e.buyer.organisationId)
                b.text(6, e.category.rawValue)
                b.text(7, e.procedure.rawValue)
                b.int(8, e.estimatedValueCents)
                b.text(9, e.mainCpv)
                b.int(10, e.submissionDeadline.microsecondsSinceEpoch)
                b.text(11, e.submissionDeadline.description)
                b.text(12, recordedAt.description)
            }
            try p.replaceLots(e.lots, of: e.tenderId, db)
        },
        .on(TenderAmended.self) { p, e, _, db in
            try db.run(cached: """
                UPDATE tenders SET title = coalesce(?, title), estimated_cents = coalesce(?, estimated_cents),
                    deadline_us = coalesce(?, deadline_us), deadline = coalesce(?, deadline) WHERE tender_id = ?
                """) { b in
                b.text(1, e.title)
                b.int(2, e.estimatedValueCents)
                b.int(3, e.submissionDeadline?.microsecondsSinceEpoch)
                b.text(4, e.submissionDeadline?.description)
                b.id(5, e.tenderId)
            }
            if !e.lots.isEmpty { try p.replaceLots(e.lots, of: e.tenderId, db) }
        },
        .on(BidSubmitted.self) { p, e, _, db in
            let row = PendingBids.Row(bidId: e.bidId, tenderId: e.tenderId, bidderKind: e.bidder.kind.rawValue, bidderId: e.bidder.id,
                                      lots: LotList.text(e.lots), priceCents: e.priceCents, priceBasis: e.priceBasis.rawValue)
            if p.bids.keep(row, db) {
                for m in e.participatingMemberIds { try p.bidMembers.insert(e.bidId, m, db) }
                return
            }
            try db.run(cached: "INSERT OR IGNORE INTO bids (bid_id, tender_id, bidder_kind, bidder_id, lots, price_cents, price_basis) VALUES (?,?,?,?,?,?,?)") { b in
                b.id(1, e.bidId)
                b.id(2, e.tenderId)
                b.text(3, e.bidder.kind.rawValue)
                b.id(4, e.bidder.id)
                b.text(5, LotList.text(e.lots))
                b.int(6, e.priceCents)
                b.text(7, e.priceBasis.rawValue)
            }
            for m in e.participatingMemberIds { try p.bidMembers.insert(e.bidId, m, db) }
        },
        .on(BidWithdrawn.self) { p, e, _, db in
            try db.run(cached: "UPDATE bids SET status = 'withdrawn' WHERE bid_id = ?") { $0.id(1, e.bidId) }
            p.bids.update(e.bidId, db) { $0.status = "withdrawn" }
        },
        .on(SubmissionClosed.self) { _, e, _, db in
            try db.run(cached: "UPDATE tenders SET status = 'closed' WHERE tender_id = ? AND status = 'open'") { $0.id(1, e.tenderId) }
        },
        .on(BidEvaluated.self) { p, e, _, db in
            try db.run(cached: "UPDATE bids SET status = ?, score_hundredths = ?, rank = ? WHERE bid_id = ?") { b in
                b.text(1, e.outcome.rawValue)
                b.int(2, e.scoreHundredths)
                b.int(3, e.rank.map { Int64($0) })
                b.id(4, e.bidId)
            }
            p.bids.update(e.bidId, db) { row in
                row.status = e.outcome.rawValue
                row.scoreHundredths = e.scoreHundredths
                row.rank = e.rank.map { Int64($0) }
            }
        },
        .on(AwardIntended.self) { _, e, _, db in
            try db.run(cached: "INSERT OR REPLACE INTO awards (tender_id, lot, bid_id, value_cents, standstill_ends) VALUES (?,?,?,?,?)") { b in
                b.id(1, e.tenderId)
                b.int(2, Int64(e.lot))
                b.id(3, e.bidId)
                b.int(4, e.valueCents)
                b.text(5, e.standstillEndsAt.description)
            }
            try db.run(cached: "UPDATE tenders SET status = 'awarding' WHERE tender_id = ? AND status <> 'cancelled'") { $0.id(1, e.tenderId) }
        },
        .on(AwardFinalised.self) { _, e, _, db in
            try db.run(cached: "UPDATE awards SET finalised = 1 WHERE tender_id = ? AND lot = ?") { b in
                b.id(1, e.tenderId)
                b.int(2, Int64(e.lot))
            }
            try db.run(cached: "UPDATE tenders SET status = 'awarded' WHERE tender_id = ? AND status <> 'cancelled'") { $0.id(1, e.tenderId) }
        },
        .on(TenderCancelled.self) { _, e, _, db in
            try db.run(cached: "UPDATE tenders SET status = 'cancelled' WHERE tender_id = ?") { $0.id(1, e.tenderId) }
        }
    )

    private func replaceLots(_ lots: [Lot], of tender: UUID, _ db: Database) throws {
        try db.run(cached: "DELETE FROM lots WHERE tender_id = ?") { $0.id(1, tender) }
        for lot in lots {
            try db.run(cached: "INSERT INTO lots VALUES (?,?,?,?,?)") { b in
                b.id(1, tender)
                b.int(2, Int64(lot.number))
                b.text(3, lot.title)
                b.text(4, lot.buurten.joined(separator: ","))
                b.int(5, lot.estimatedValueCents)
            }
        }
    }
}

/// A bid's lot numbers as stored in read models: `1,3`.
enum LotList {
    static func text(_ lots: [UInt32]) -> String {
        if lots.count == 1 { return String(lots[0]) }
        return lots.map { String($0) }.joined(separator: ",")
    }
}
