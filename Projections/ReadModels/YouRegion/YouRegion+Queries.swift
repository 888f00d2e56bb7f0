import GRDB

/// Queries on the YouRegion register (`YouRegionProjector`).
public enum YouRegionRegister {
    /// One registration as the register shows it.
    public struct Registration: Sendable, Hashable {
        public var assignmentId: String
        public var memberId: String
        public var direction: String
        public var residence: String
        public var work: String
        public var region: String
        public var period: String
        public var startsOn: String
        public var endsOn: String
        public var a1Status: String
        public var a1BeforeStart: Bool
    }

    /// Filters; nil means any.
    public struct Filter: Sendable, Hashable {
        public var direction: String?
        public var workCountry: String?
        public var region: String?
        public var period: String?
        public init(direction: String? = nil, workCountry: String? = nil, region: String? = nil, period: String? = nil) {
            self.direction = direction; self.workCountry = workCountry; self.region = region; self.period = period
        }
    }

    /// Registrations matching `filter`, by start day then id, `limit` from `offset`.
    public static func registrations(_ db: Database, _ filter: Filter = Filter(), limit: Int = 50, offset: Int = 0) throws -> [Registration] {
        try Row.fetchAll(db, sql: """
            SELECT assignment_id, member_id, direction, residence, work, region, period, starts_on, ends_on, a1_status, a1_before_start
            FROM registrations WHERE (?1 IS NULL OR direction = ?1) AND (?2 IS NULL OR work = ?2)
                AND (?3 IS NULL OR region = ?3) AND (?4 IS NULL OR period = ?4)
            ORDER BY starts_on, assignment_id LIMIT ?5 OFFSET ?6
            """, arguments: [filter.direction, filter.workCountry, filter.region, filter.period, limit, offset]).map {
            Registration(assignmentId: $0[0], memberId: $0[1], direction: $0[2], residence: $0[3], work: $0[4], region: $0[5],
                         period: $0[6], startsOn: $0[7], endsOn: $0[8], a1Status: $0[9], a1BeforeStart: $0[10])
        }
    }

    /// Counts per value of one dimension (`direction`, `work`, `residence`, `region`, `period`,
    /// `a1_status`), optionally within one period: `[(value, count)]` sorted by value.
    public static func counts(_ db: Database, by dimension: Dimension, period: String? = nil) throws -> [(String, Int)] {
        try Row.fetchAll(db, sql: "SELECT \(dimension.rawValue), count(*) FROM registrations WHERE (?1 IS NULL OR period = ?1) GROUP BY 1 ORDER BY 1",
                         arguments: [period]).map { ($0[0], $0[1]) }
    }

    /// The dimensions `counts(_:by:period:)` groups by.
    public enum Dimension: String, Sendable, CaseIterable {
        case direction, workCountry = "work", residenceCountry = "residence", region, period, a1Status = "a1_status"
    }
}
