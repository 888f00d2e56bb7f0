import GRDB

/// Queries on a `ProgrammeKPIProjector` database (the live file or an in-memory fold).
/// KPI values are computed on read from the facts by `KPIDefinitions`; nothing is cached, so
/// the values always match the definitions. Costs a few indexed scans of the fact tables.
public enum ProgrammeKPIs {
    /// Every KPI cell for every quarter with facts and for the whole programme.
    public static func cells(_ db: Database) throws -> [KPICell] {
        try KPIDefinitions.compute(db, periods: try KPIDefinitions.periods(db))
    }

    /// The periods a programme report and the dashboard show: every quarter with facts, the
    /// goals' own periods (a year such as `2026`, a quarter), and `programme` last.
    public static func periods(_ db: Database, goals: [Goal]) throws -> [KPIPeriod] {
        var periods = try KPIDefinitions.periods(db)
        for goal in goals where !periods.contains(where: { $0.label == goal.period }) {
            if let p = KPIPeriod.goalPeriod(goal.period) { periods.insert(p, at: periods.count - 1) }
        }
        return periods
    }

    /// The goals set (`ProgrammeGoalSet`), by KPI and period.
    public static func goals(_ db: Database) throws -> [Goal] {
        try Row.fetchAll(db, sql: "SELECT kpi, period, focus_area, target, scale FROM goals ORDER BY kpi, period").map {
            Goal(kpi: $0[0], period: $0[1], focusArea: $0[2], target: $0[3], scale: UInt32($0[4] as Int64))
        }
    }

    /// Writes the audit trail `kpi_evidence(kpi, period, breakdown, event_id)` (and
    /// `kpi_values`) for `cells`, replacing what was there, for ad-hoc SQL on a file. Tracing a
    /// value as of a position, with each event's contribution, is `KPITracer`'s work.
    public static func materialize(_ cells: [KPICell], in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS kpi_values (kpi TEXT NOT NULL, period TEXT NOT NULL, breakdown TEXT NOT NULL,
                value INTEGER NOT NULL, scale INTEGER NOT NULL, suppressed INTEGER NOT NULL, PRIMARY KEY (kpi, period, breakdown));
            CREATE TABLE IF NOT EXISTS kpi_evidence (kpi TEXT NOT NULL, period TEXT NOT NULL, breakdown TEXT NOT NULL, event_id TEXT NOT NULL);
            DELETE FROM kpi_values; DELETE FROM kpi_evidence;
            """)
        for c in cells {
            try db.execute(cached: "INSERT INTO kpi_values VALUES (?,?,?,?,?,?)", [c.kpi, c.period, c.breakdown, c.value, Int64(c.scale), c.suppressed])
            for id in c.evidence { try db.execute(cached: "INSERT INTO kpi_evidence VALUES (?,?,?,?)", [c.kpi, c.period, c.breakdown, id]) }
        }
    }

    /// A target for one KPI in one period.
    public struct Goal: Sendable, Hashable {
        public var kpi: String
        public var period: String
        public var focusArea: String
        public var target: Int64
        public var scale: UInt32
    }
}
