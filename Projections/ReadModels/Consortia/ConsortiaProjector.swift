import EventLog
import Events
import GRDB

/// Consortia with their current members and lead, and every member's own bids (alone or
/// through a consortium) with their outcome.
public struct ConsortiaProjector: Projector {
    public let name = "consortia-and-bids"
    public let version = 1
    public init() {}

    public var handledTypes: Set<String>? {
        ["ConsortiumFormed", "ConsortiumMemberAdded", "ConsortiumMemberRemoved", "ConsortiumLeadChanged", "ConsortiumDissolved",
         "BidSubmitted", "BidWithdrawn", "BidEvaluated", "AwardIntended"]
    }

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: consortia and bids") { db in
            try db.execute(sql: """
                CREATE TABLE consortia (consortium_id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, tender_id TEXT,
                    lead_member_id TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active', formed_at TEXT NOT NULL);
                CREATE TABLE consortium_members (consortium_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (consortium_id, member_id));
                CREATE INDEX consortium_members_by_member ON consortium_members (member_id);
                CREATE TABLE member_bids (bid_id TEXT NOT NULL, member_id TEXT NOT NULL, tender_id TEXT NOT NULL, consortium_id TEXT,
                    lots TEXT NOT NULL, price_cents INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'submitted',
                    awarded_lots TEXT NOT NULL DEFAULT '', submitted_at TEXT NOT NULL, PRIMARY KEY (bid_id, member_id));
                CREATE INDEX member_bids_by_member ON member_bids (member_id);
                """)
        }
    }

    public func apply(_ event: borrowing EventView, _ db: Database) throws {
        switch try event.domainEvent() {
        case .consortium(.formed(let e)):
            let id = String(id: e.consortiumId)
            try db.execute(cached: "INSERT OR IGNORE INTO consortia (consortium_id, name, scope, tender_id, lead_member_id, formed_at) VALUES (?,?,?,?,?,?)",
                    [id, e.name, e.scope.rawValue, e.tenderId.map { String(id: $0) }, String(id: e.leadMemberId), event.recordedAt.description])
            for m in e.members { try db.execute(cached: "INSERT OR IGNORE INTO consortium_members VALUES (?,?)", [id, String(id: m.memberId)]) }
        case .consortium(.memberAdded(let e)):
            try db.execute(cached: "INSERT OR IGNORE INTO consortium_members VALUES (?,?)", [String(id: e.consortiumId), String(id: e.member.memberId)])
        case .consortium(.memberRemoved(let e)):
            try db.execute(cached: "DELETE FROM consortium_members WHERE consortium_id = ? AND member_id = ?", [String(id: e.consortiumId), String(id: e.memberId)])
        case .consortium(.leadChanged(let e)):
            try db.execute(cached: "UPDATE consortia SET lead_member_id = ? WHERE consortium_id = ?", [String(id: e.leadMemberId), String(id: e.consortiumId)])
        case .consortium(.dissolved(let e)):
            try db.execute(cached: "UPDATE consortia SET status = 'dissolved' WHERE consortium_id = ?", [String(id: e.consortiumId)])
        case .tender(.bidSubmitted(let e)):
            let consortium: String? = e.bidder.kind == .consortium ? String(id: e.bidder.id) : nil
            for m in e.participatingMemberIds {
                try db.execute(cached: "INSERT OR IGNORE INTO member_bids (bid_id, member_id, tender_id, consortium_id, lots, price_cents, submitted_at) VALUES (?,?,?,?,?,?,?)",
                        [String(id: e.bidId), String(id: m), String(id: e.tenderId), consortium, e.lots.map { String($0) }.joined(separator: ","),
                         e.priceCents, event.recordedAt.description])
            }
        case .tender(.bidWithdrawn(let e)):
            try db.execute(cached: "UPDATE member_bids SET status = 'withdrawn' WHERE bid_id = ?", [String(id: e.bidId)])
        case .tender(.bidEvaluated(let e)):
            try db.execute(cached: "UPDATE member_bids SET status = ? WHERE bid_id = ? AND status <> 'awarded'", [e.outcome.rawValue, String(id: e.bidId)])
        case .tender(.awardIntended(let e)):
            try db.execute(cached: """
                UPDATE member_bids SET status = 'awarded',
                    awarded_lots = CASE awarded_lots WHEN '' THEN ?1 ELSE awarded_lots || ',' || ?1 END WHERE bid_id = ?2
                """, [String(e.lot), String(id: e.bidId)])
        default:
            return
        }
    }
}
