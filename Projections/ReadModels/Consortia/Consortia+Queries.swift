import Foundation
import GRDB

/// Queries on consortia and members' own bids (`ConsortiaProjector`).
public enum Consortia {
    public struct Consortium: Sendable, Hashable {
        public var consortiumId: String
        public var name: String
        public var scope: String
        public var tenderId: String?
        public var leadMemberId: String
        public var status: String
        /// Current members, sorted.
        public var memberIds: [String]
    }

    public struct MemberBid: Sendable, Hashable {
        public var bidId: String
        public var tenderId: String
        /// Set when the member bid through a consortium.
        public var consortiumId: String?
        public var lots: String
        public var priceCents: Int64
        public var status: String
        public var awardedLots: String
    }

    /// One consortium with its current members.
    public static func consortium(_ db: Database, id: String) throws -> Consortium? {
        guard let r = try Row.fetchOne(db, sql: "SELECT consortium_id, name, scope, tender_id, lead_member_id, status FROM consortia WHERE consortium_id = ?",
                                       arguments: [id]) else { return nil }
        let members = try String.fetchAll(db, sql: "SELECT member_id FROM consortium_members WHERE consortium_id = ? ORDER BY member_id", arguments: [id])
        return Consortium(consortiumId: r[0], name: r[1], scope: r[2], tenderId: r[3], leadMemberId: r[4], status: r[5], memberIds: members)
    }

    /// The consortia a member currently belongs to, by name.
    public static func consortia(_ db: Database, ofMember memberId: UUID) throws -> [Consortium] {
        try String.fetchAll(db, sql: """
            SELECT c.consortium_id FROM consortia c JOIN consortium_members m USING (consortium_id) WHERE m.member_id = ? ORDER BY c.name, c.consortium_id
            """, arguments: [String(id: memberId)]).compactMap { try consortium(db, id: $0) }
    }

    /// A member's own bids, alone or through a consortium, oldest first.
    public static func bids(_ db: Database, ofMember memberId: UUID) throws -> [MemberBid] {
        try Row.fetchAll(db, sql: """
            SELECT bid_id, tender_id, consortium_id, lots, price_cents, status, awarded_lots FROM member_bids
            WHERE member_id = ? ORDER BY submitted_at, bid_id
            """, arguments: [String(id: memberId)]).map {
            MemberBid(bidId: $0[0], tenderId: $0[1], consortiumId: $0[2], lots: $0[3], priceCents: $0[4], status: $0[5], awardedLots: $0[6])
        }
    }
}
