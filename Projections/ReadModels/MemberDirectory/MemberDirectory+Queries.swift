import Foundation
import EventLog
import Events
import GRDB
import PersonalData

/// Queries on the member directory (`MemberDirectoryProjector`).
///
/// ```swift
/// let page = try await runner.read("member-directory") { db in
///     try MemberDirectory.search(db, MemberDirectory.Query(text: "tuin*", wijk: "WK093501", limit: 20))
/// }
/// ```
public enum MemberDirectory {
    /// What a directory search may filter on; nil means any. `text` is an FTS5 query over
    /// skills, headline and trade name (`tuin*`, `"vloer leggen"`, `gardening OR paving`).
    public struct Query: Sendable, Hashable {
        public var text: String?
        public var buurt: String?
        public var wijk: String?
        public var country: String?
        public var availability: String?
        public var rateBand: RateBand?
        /// Include ended and erased members (erased ones show only their id).
        public var includeInactive: Bool
        public var limit: Int
        public var offset: Int

        public init(text: String? = nil, buurt: String? = nil, wijk: String? = nil, country: String? = nil,
                    availability: String? = nil, rateBand: RateBand? = nil, includeInactive: Bool = false,
                    limit: Int = 20, offset: Int = 0) {
            self.text = text; self.buurt = buurt; self.wijk = wijk; self.country = country
            self.availability = availability; self.rateBand = rateBand; self.includeInactive = includeInactive
            self.limit = limit; self.offset = offset
        }
    }

    /// One directory entry: non-personal fields only. An erased member has only `memberId`
    /// and `status == "erased"`.
    public struct Listing: Sendable, Hashable {
        public var memberId: String
        public var status: String
        public var kind: String
        public var country: String
        public var tradeName: String?
        public var headline: String?
        public var buurt: String?
        public var wijk: String?
        public var skills: String
        public var availability: String
        public var rateBand: String?
        public var verified: Bool
    }

    /// A page of results with the total number of matches.
    public struct Page: Sendable, Hashable {
        public var listings: [Listing]
        public var total: Int
    }

    /// Members matching `query`: by full-text rank when `text` is set, else by trade name and id.
    /// Throws `DatabaseError` for a malformed FTS5 query.
    public static func search(_ db: Database, _ query: Query) throws -> Page {
        // One full-text row per member (rowid = the member's rowid): join it once and order by
        // its rank, rather than asking the index again for every matching member. Only the
        // filters asked for are in the statement (one cached statement per combination), so
        // `buurt` and `wijk` use their indexes: `?N IS NULL OR m.buurt = ?N` cannot.
        var sql = query.text == nil ? "FROM members m WHERE 1"
            : "FROM member_search s JOIN members m ON m.rowid = s.rowid WHERE member_search MATCH ?"
        var args: StatementArguments = query.text.map { [$0] } ?? []
        for (column, value) in [("buurt", query.buurt), ("wijk", query.wijk), ("country", query.country),
                                ("availability", query.availability), ("rate_band", query.rateBand?.rawValue)] {
            guard let value else { continue }
            sql += " AND m.\(column) = ?"
            args += [value]
        }
        if !query.includeInactive { sql += " AND m.status = 'active'" }
        let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) \(sql)"), arguments: args) ?? 0
        let order = query.text == nil ? "coalesce(m.trade_name, ''), m.member_id" : "s.rank, m.member_id"
        let page = try db.cachedStatement(sql: """
            SELECT m.member_id, m.status, m.kind, m.country, m.trade_name, m.headline, m.buurt, m.wijk, m.skills, m.availability,
                   m.rate_band, m.verified \(sql) ORDER BY \(order) LIMIT ? OFFSET ?
            """)
        let rows = try Row.fetchAll(page, arguments: args + [max(0, query.limit), max(0, query.offset)])
        return Page(listings: rows.map(listing), total: total)
    }

    /// One member's entry, if registered.
    public static func member(_ db: Database, id: UUID) throws -> Listing? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT member_id, status, kind, country, trade_name, headline, buurt, wijk, skills, availability, rate_band, verified
            FROM members WHERE member_id = ?
            """), arguments: [String(id: id)]).map(listing)
    }

    /// The member's personal details, opened with the vault at query time from the member's
    /// `MemberRegistered` event; nil when not registered or erased. Only for callers whose
    /// role may see personal data: the directory itself never holds them.
    public static func personalDetails(of memberId: UUID, log: EventLog, vault: PersonalDataVault) throws -> PersonalDetails? {
        for recorded in try log.readStream(StreamID.member(memberId), maxCount: 1) {
            if case .member(.registered(let e)) = try EventCatalogue.decode(recorded) { return try e.personalDetails(in: vault) }
        }
        return nil
    }

    private static func listing(_ r: Row) -> Listing {
        Listing(memberId: r[0], status: r[1], kind: r[2], country: r[3], tradeName: r[4], headline: r[5], buurt: r[6], wijk: r[7],
                skills: r[8], availability: r[9], rateBand: r[10], verified: r[11])
    }
}
