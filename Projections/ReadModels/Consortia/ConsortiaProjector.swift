import EventLog
import Events
import Foundation
import GRDB

/// Consortia with their current members and lead, and every member's own bids (alone or
/// through a consortium) with their outcome.
public struct ConsortiaProjector: HandlerTableProjector {
    public let name = "consortia-and-bids"
    public let version = 2  // 2: key-only tables WITHOUT ROWID (one B-tree each)
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: consortia and bids") { db in
            try db.execute(sql: """
                CREATE TABLE consortia (consortium_id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, tender_id TEXT,
                    lead_member_id TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active', formed_at TEXT NOT NULL);
                CREATE TABLE consortium_members (consortium_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (consortium_id, member_id)) WITHOUT ROWID;
                CREATE TABLE member_bids (bid_id TEXT NOT NULL, member_id TEXT NOT NULL, tender_id TEXT NOT NULL, consortium_id TEXT,
                    lots TEXT NOT NULL, price_cents INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'submitted',
                    awarded_lots TEXT NOT NULL DEFAULT '', submitted_at TEXT NOT NULL, PRIMARY KEY (bid_id, member_id)) WITHOUT ROWID;
                """)
            try Self.queryIndexes.create(db)
        }
    }

    /// The indexes only queries use: a build creates them at the head (`DeferredIndexes`).
    static let queryIndexes = DeferredIndexes(indexes: [
        ("consortium_members_by_member", "CREATE INDEX IF NOT EXISTS consortium_members_by_member ON consortium_members (member_id)"),
        ("member_bids_by_member", "CREATE INDEX IF NOT EXISTS member_bids_by_member ON member_bids (member_id)"),
    ])

    public func beginBuild(_ db: Database) throws { try Self.queryIndexes.beginBuild(db) }

    public func finishBuild(_ db: Database) throws { try Self.queryIndexes.finishBuild(db) }

    public static let handlers = EventHandlers<ConsortiaProjector>(
        .on(ConsortiumFormed.self) { _, e, event, db in
            let recordedAt = event.recordedAt
            try db.run(cached: "INSERT OR IGNORE INTO consortia (consortium_id, name, scope, tender_id, lead_member_id, formed_at) VALUES (?,?,?,?,?,?)") { b in
                b.id(1, e.consortiumId)
                b.text(2, e.name)
                b.text(3, e.scope.rawValue)
                b.id(4, e.tenderId)
                b.id(5, e.leadMemberId)
                b.text(6, recordedAt.description)
            }
            for m in e.members {
                try db.run(cached: "INSERT OR IGNORE INTO consortium_members VALUES (?,?)") { b in
                    b.id(1, e.consortiumId)
                    b.id(2, m.memberId)
                }
            }
        },
        .on(ConsortiumMemberAdded.self) { _, e, _, db in
            try db.run(cached: "INSERT OR IGNORE INTO consortium_members VALUES (?,?)") { b in
                b.id(1, e.consortiumId)
                b.id(2, e.member.memberId)
            }
        },
        .on(ConsortiumMemberRemoved.self) { _, e, _, db in
            try db.run(cached: "DELETE FROM consortium_members WHERE consortium_id = ? AND member_id = ?") { b in
                b.id(1, e.consortiumId)
                b.id(2, e.memberId)
            }
        },
        .on(ConsortiumLeadChanged.self) { _, e, _, db in
            try db.run(cached: "UPDATE consortia SET lead_member_id = ? WHERE consortium_id = ?") { b in
                b.id(1, e.leadMemberId)
                b.id(2, e.consortiumId)
            }
        },
        .on(ConsortiumDissolved.self) { _, e, _, db in
            try db.run(cached: "UPDATE consortia SET status = 'dissolved' WHERE consortium_id = ?") { $0.id(1, e.consortiumId) }
        },
        .on(BidSubmitted.self) { _, e, event, db in
            let consortium: UUID? = e.bidder.kind == .consortium ? e.bidder.id : nil
            let lots = LotList.text(e.lots)
            let submittedAt = event.recordedAt.description
            for m in e.participatingMemberIds {
                try db.run(cached: "INSERT OR IGNORE INTO member_bids (bid_id, member_id, tender_id, consortium_id, lots, price_cents, submitted_at) VALUES (?,?,?,?,?,?,?)") { b in
                    b.id(1, e.bidId)
                    b.id(2, m)
                    b.id(3, e.tenderId)
                    b.id(4, consortium)
                    b.text(5, lots)
                    b.int(6, e.priceCents)
                    b.text(7, submittedAt)
                }
            }
        },
        .on(BidWithdrawn.self) { _, e, _, db in
            try db.run(cached: "UPDATE member_bids SET status = 'withdrawn' WHERE bid_id = ?") { $0.id(1, e.bidId) }
        },
        .on(BidEvaluated.self) { _, e, _, db in
            try db.run(cached: "UPDATE member_bids SET status = ? WHERE bid_id = ? AND status <> 'awarded'") { b in
                b.text(1, e.outcome.rawValue)
                b.id(2, e.bidId)
            }
        },
        .on(AwardIntended.self) { _, e, _, db in
            try db.run(cached: """
                UPDATE member_bids SET status = 'awarded',
                    awarded_lots = CASE awarded_lots WHEN '' THEN ?1 ELSE awarded_lots || ',' || ?1 END WHERE bid_id = ?2
                """) { b in
                b.text(1, String(e.lot))
                b.id(2, e.bidId)
            }
        }
    )
}
