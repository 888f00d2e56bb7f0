import EventLog
import Events
import GRDB

/// The tender board: jobs with their lots, deadline, procedure and buyer; the bids on each
/// (counted for everyone, shown in detail to the buyer and the bidder); evaluations and awards.
public struct TenderBoardProjector: Projector {
    public let name = "tender-board"
    public let version = 1
    public init() {}

    public var handledTypes: Set<String>? {
        ["TenderPublished", "TenderAmended", "BidSubmitted", "BidWithdrawn", "SubmissionClosed", "BidEvaluated",
         "AwardIntended", "AwardFinalised", "TenderCancelled"]
    }

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: tenders") { db in
            try db.execute(sql: """
                CREATE TABLE tenders (tender_id TEXT PRIMARY KEY, title TEXT NOT NULL, buyer_kind TEXT NOT NULL, buyer_name TEXT NOT NULL,
                    buyer_org TEXT, category TEXT NOT NULL, procedure TEXT NOT NULL, estimated_cents INTEGER NOT NULL, main_cpv TEXT NOT NULL,
                    deadline_us INTEGER NOT NULL, deadline TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', published_at TEXT NOT NULL);
                CREATE INDEX tenders_by_status ON tenders (status, deadline_us);
                CREATE TABLE lots (tender_id TEXT NOT NULL, lot INTEGER NOT NULL, title TEXT NOT NULL, buurten TEXT NOT NULL,
                    estimated_cents INTEGER, PRIMARY KEY (tender_id, lot));
                CREATE TABLE bids (bid_id TEXT PRIMARY KEY, tender_id TEXT NOT NULL, bidder_kind TEXT NOT NULL, bidder_id TEXT NOT NULL,
                    lots TEXT NOT NULL, price_cents INTEGER NOT NULL, price_basis TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'submitted',
                    score_hundredths INTEGER, rank INTEGER);
                CREATE INDEX bids_by_tender ON bids (tender_id);
                CREATE TABLE bid_members (bid_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (bid_id, member_id));
                CREATE INDEX bid_members_by_member ON bid_members (member_id);
                CREATE TABLE awards (tender_id TEXT NOT NULL, lot INTEGER NOT NULL, bid_id TEXT NOT NULL, value_cents INTEGER NOT NULL,
                    standstill_ends TEXT NOT NULL, finalised INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tender_id, lot));
                """)
        }
    }

    public func apply(_ event: borrowing EventView, _ db: Database) throws {
        guard case .tender(let tender) = try event.domainEvent() else { return }
        switch tender {
        case .published(let e):
            let id = String(id: e.tenderId)
            try db.execute(cached: "INSERT OR IGNORE INTO tenders (tender_id, title, buyer_kind, buyer_name, buyer_org, category, procedure, estimated_cents, main_cpv, deadline_us, deadline, published_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [id, e.title, e.buyer.kind.rawValue, e.buyer.name, e.buyer.organisationId, e.category.rawValue, e.procedure.rawValue,
                     e.estimatedValueCents, e.mainCpv, e.submissionDeadline.microsecondsSinceEpoch, e.submissionDeadline.description,
                     event.recordedAt.description])
            try replaceLots(e.lots, of: id, db)
        case .amended(let e):
            let id = String(id: e.tenderId)
            try db.execute(cached: """
                UPDATE tenders SET title = coalesce(?, title), estimated_cents = coalesce(?, estimated_cents),
                    deadline_us = coalesce(?, deadline_us), deadline = coalesce(?, deadline) WHERE tender_id = ?
                """, [e.title, e.estimatedValueCents, e.submissionDeadline?.microsecondsSinceEpoch, e.submissionDeadline?.description, id])
            if !e.lots.isEmpty { try replaceLots(e.lots, of: id, db) }
        case .bidSubmitted(let e):
            let bid = String(id: e.bidId)
            try db.execute(cached: "INSERT OR IGNORE INTO bids (bid_id, tender_id, bidder_kind, bidder_id, lots, price_cents, price_basis) VALUES (?,?,?,?,?,?,?)",
                    [bid, String(id: e.tenderId), e.bidder.kind.rawValue, String(id: e.bidder.id),
                     e.lots.map { String($0) }.joined(separator: ","), e.priceCents, e.priceBasis.rawValue])
            for m in e.participatingMemberIds { try db.execute(cached: "INSERT OR IGNORE INTO bid_members VALUES (?,?)", [bid, String(id: m)]) }
        case .bidWithdrawn(let e):
            try db.execute(cached: "UPDATE bids SET status = 'withdrawn' WHERE bid_id = ?", [String(id: e.bidId)])
        case .submissionClosed(let e):
            try db.execute(cached: "UPDATE tenders SET status = 'closed' WHERE tender_id = ? AND status = 'open'", [String(id: e.tenderId)])
        case .bidEvaluated(let e):
            try db.execute(cached: "UPDATE bids SET status = ?, score_hundredths = ?, rank = ? WHERE bid_id = ?",
                    [e.outcome.rawValue, e.scoreHundredths, e.rank.map { Int64($0) }, String(id: e.bidId)])
        case .awardIntended(let e):
            try db.execute(cached: "INSERT OR REPLACE INTO awards (tender_id, lot, bid_id, value_cents, standstill_ends) VALUES (?,?,?,?,?)",
                    [String(id: e.tenderId), Int64(e.lot), String(id: e.bidId), e.valueCents, e.standstillEndsAt.description])
            try db.execute(cached: "UPDATE tenders SET status = 'awarding' WHERE tender_id = ? AND status <> 'cancelled'", [String(id: e.tenderId)])
        case .awardFinalised(let e):
            try db.execute(cached: "UPDATE awards SET finalised = 1 WHERE tender_id = ? AND lot = ?", [String(id: e.tenderId), Int64(e.lot)])
            try db.execute(cached: "UPDATE tenders SET status = 'awarded' WHERE tender_id = ? AND status <> 'cancelled'", [String(id: e.tenderId)])
        case .cancelled(let e):
            try db.execute(cached: "UPDATE tenders SET status = 'cancelled' WHERE tender_id = ?", [String(id: e.tenderId)])
        case .participantInvited:
            return
        }
    }

    private func replaceLots(_ lots: [Lot], of tender: String, _ db: Database) throws {
        try db.execute(cached: "DELETE FROM lots WHERE tender_id = ?", [tender])
        for lot in lots {
            try db.execute(cached: "INSERT INTO lots VALUES (?,?,?,?,?)",
                    [tender, Int64(lot.number), lot.title, lot.buurten.joined(separator: ","), lot.estimatedValueCents])
        }
    }
}
