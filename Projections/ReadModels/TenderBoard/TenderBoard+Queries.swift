import EventLog
import Foundation
import GRDB

/// Queries on the tender board (`TenderBoardProjector`).
public enum TenderBoard {
    /// A tender as the board lists it, with the number of live bids (visible to everyone).
    public struct Listing: Sendable, Hashable {
        public var tenderId: String
        public var title: String
        public var buyerKind: String
        public var buyerName: String
        public var procedure: String
        public var category: String
        public var estimatedCents: Int64
        public var deadline: String
        public var status: String
        public var lots: [LotInfo]
        public var liveBidCount: Int
    }

    public struct LotInfo: Sendable, Hashable {
        public var number: Int
        public var title: String
        public var buurten: [String]
    }

    /// A bid in detail: only for the buyer or a party to the bid.
    public struct BidDetail: Sendable, Hashable {
        public var bidId: String
        public var bidderKind: String
        public var bidderId: String
        public var lots: String
        public var priceCents: Int64
        public var status: String
        public var rank: Int?
        public var memberIds: [String]
    }

    public struct Award: Sendable, Hashable {
        public var lot: Int
        public var bidId: String
        public var valueCents: Int64
        public var standstillEnds: String
        public var finalised: Bool
    }

    /// Who asks for bid details.
    public enum Viewer: Sendable, Hashable {
        /// The buyer of the tender: sees every bid.
        case buyer
        /// A member: sees the bids they take part in (alone or through a consortium).
        case member(UUID)
        /// Anyone else: sees no bid details, only counts.
        case anyone
    }

    /// Tenders still open for bids at `now` (status open and deadline after `now`), soonest
    /// deadline first, `limit` from `offset`. Callers pass the server clock's time.
    public static func openTenders(_ db: Database, now: Timestamp, limit: Int = 20, offset: Int = 0) throws -> [Listing] {
        // Two statements for the page (its tenders, then their lots), not two per tender. The
        // live bids are counted for the page's tenders only: in the select list of the sorted
        // query they were counted for every open tender before LIMIT (the load run's profile).
        let tenders = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT \(listingColumns) FROM (
                SELECT * FROM tenders WHERE status = 'open' AND deadline_us > ?
                ORDER BY deadline_us, tender_id LIMIT ? OFFSET ?) t
            ORDER BY deadline_us, tender_id
            """), arguments: [now.microsecondsSinceEpoch, limit, offset])
        var lots: [String: [LotInfo]] = [:]
        for r in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT l.tender_id, l.lot, l.title, l.buurten FROM lots l WHERE l.tender_id IN (
                SELECT tender_id FROM tenders WHERE status = 'open' AND deadline_us > ? ORDER BY deadline_us, tender_id LIMIT ? OFFSET ?)
            ORDER BY l.tender_id, l.lot
            """), arguments: [now.microsecondsSinceEpoch, limit, offset]) {
            lots[r[0], default: []].append(lot(r, from: 1))
        }
        return tenders.map { listing($0, lots: lots[$0[0]] ?? []) }
    }

    /// The first submission deadline after `now` among open tenders, nil when there is none:
    /// until then `openTenders` lists the same tenders at any instant (only a commit changes
    /// them), so an answer of it may be reused up to that instant.
    public static func nextDeadline(_ db: Database, after now: Timestamp) throws -> Timestamp? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT min(deadline_us) FROM tenders WHERE status = 'open' AND deadline_us > ?"),
                           arguments: [now.microsecondsSinceEpoch]).map { Timestamp(microsecondsSinceEpoch: $0) }
    }

    /// One tender with its lots and live bid count.
    public static func tender(_ db: Database, id: String) throws -> Listing? {
        guard let r = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(listingColumns) FROM tenders t WHERE tender_id = ?"),
                                       arguments: [id]) else { return nil }
        let lots = try Row.fetchAll(db.cachedStatement(sql: "SELECT lot, title, buurten FROM lots WHERE tender_id = ? ORDER BY lot"),
                                    arguments: [id]).map { lot($0, from: 0) }
        return listing(r, lots: lots)
    }

    private static let listingColumns = """
        tender_id, title, buyer_kind, buyer_name, procedure, category, estimated_cents, deadline, status,
            (SELECT count(*) FROM bids b WHERE b.tender_id = t.tender_id AND b.status <> 'withdrawn')
        """

    private static func listing(_ r: Row, lots: [LotInfo]) -> Listing {
        Listing(tenderId: r[0], title: r[1], buyerKind: r[2], buyerName: r[3], procedure: r[4], category: r[5],
                estimatedCents: r[6], deadline: r[7], status: r[8], lots: lots, liveBidCount: r[9])
    }

    /// A lot from columns lot, title, buurten starting at `from`.
    private static func lot(_ r: Row, from i: Int) -> LotInfo {
        LotInfo(number: r[i], title: r[i + 1], buurten: (r[i + 2] as String).split(separator: ",").map(String.init))
    }

    /// The bids on a tender that `viewer` may see in detail (see `Viewer`).
    public static func bids(_ db: Database, tenderId: String, viewer: Viewer) throws -> [BidDetail] {
        let filter: String
        var args: StatementArguments = [tenderId]
        switch viewer {
        case .buyer: filter = ""
        case .member(let m):
            filter = "AND EXISTS (SELECT 1 FROM bid_members bm WHERE bm.bid_id = b.bid_id AND bm.member_id = ?)"
            args += [String(id: m)]
        case .anyone: return []
        }
        return try Row.fetchAll(db, sql: """
            SELECT bid_id, bidder_kind, bidder_id, lots, price_cents, status, rank,
                (SELECT group_concat(member_id, ',') FROM (SELECT member_id FROM bid_members bm WHERE bm.bid_id = b.bid_id ORDER BY member_id))
            FROM bids b WHERE tender_id = ? \(filter) ORDER BY bid_id
            """, arguments: args).map {
            BidDetail(bidId: $0[0], bidderKind: $0[1], bidderId: $0[2], lots: $0[3], priceCents: $0[4], status: $0[5], rank: $0[6],
                      memberIds: (($0[7] as String?) ?? "").split(separator: ",").map(String.init))
        }
    }

    /// The awards of a tender, by lot.
    public static func awards(_ db: Database, tenderId: String) throws -> [Award] {
        try Row.fetchAll(db, sql: "SELECT lot, bid_id, value_cents, standstill_ends, finalised FROM awards WHERE tender_id = ? ORDER BY lot",
                         arguments: [tenderId]).map {
            Award(lot: $0[0], bidId: $0[1], valueCents: $0[2], standstillEnds: $0[3], finalised: $0[4])
        }
    }
}
