import GRDB

/// How every "Maastricht goals" KPI is computed: one function per KPI, each a few SQL queries
/// over the facts of `ProgrammeKPIProjector`. This file is the single definition an auditor
/// reads; the live read model and every as-of report call it.
///
/// Conventions: a period is a range of quarters (`KPIPeriod`). Flow KPIs count facts in the
/// range; stock KPIs (members) take the state at the end of the range. The quarter of a fact
/// is the quarter of its domain date where the event has one (joined on, held on, starts on)
/// and otherwise of its recorded-at time. Percentages have scale 1 (`125` = 12.5%), euros
/// scale 2, hours scale 1. Evidence is the ids of the events counted.
public enum KPIDefinitions {
    /// The definition of one KPI: its code, focus area, what it measures, and its computation.
    public struct Definition: Sendable {
        public let code: String
        public let focusArea: String
        /// One line stating what is counted, as printed in the report annex.
        public let summary: String
        let compute: @Sendable (Database, KPIPeriod) throws -> [KPICell]
    }

    /// Freelancers in Maastricht, the denominator of FAC-1 (10,300 counted in 2013; *check*).
    public static let maastrichtFreelancers: Int64 = 10_000

    public static let all: [Definition] = [
        Definition(code: "SOC-1", focusArea: "sociaal",
                   summary: "Active members at period end (joined, not ended or erased), by wijk, country and self-declared target group, with each group's share of all active members.",
                   compute: soc1),
        Definition(code: "COM-1", focusArea: "commercieel",
                   summary: "Sum of intended award values (AwardIntended) on tenders not cancelled, in euros, by client kind (municipality/business).",
                   compute: com1),
        Definition(code: "COM-2", focusArea: "commercieel",
                   summary: "Distinct business buyers (organisation id, else name) that published a tender.",
                   compute: com2),
        Definition(code: "OPD-1", focusArea: "opdrachten",
                   summary: "Tenders published, by procedure type.",
                   compute: opd1),
        Definition(code: "OPD-2", focusArea: "opdrachten",
                   summary: "Bids submitted and not withdrawn, solo (member) vs consortium; win rate = bids with an intended award / those bids.",
                   compute: opd2),
        Definition(code: "OPD-4", focusArea: "opdrachten",
                   summary: "Share of awarded lots won by a bid with a participating member registered in a buurt of the lot.",
                   compute: opd4),
        Definition(code: "LER-1", focusArea: "lerend",
                   summary: "Training hours recorded (TrainingHoursRecorded), by wijk of the member.",
                   compute: ler1),
        Definition(code: "LER-2", focusArea: "lerend",
                   summary: "Trainings held, and unique members who attended one or recorded training hours.",
                   compute: ler2),
        Definition(code: "ONT-1", focusArea: "ontmoetend",
                   summary: "Meetups held; attendance (members plus external attendees); unique member attendees.",
                   compute: ont1),
        Definition(code: "ONT-3", focusArea: "ontmoetend",
                   summary: "Meetups held, by wijk of the venue's buurt.",
                   compute: ont3),
        Definition(code: "VER-1", focusArea: "verbindend",
                   summary: "Consortia formed; share of them that submitted a bid; win rate of consortium bids.",
                   compute: ver1),
        Definition(code: "VER-3", focusArea: "verbindend",
                   summary: "YouRegion registrations by start date, by direction (NL→BE, NL→DE, BE/DE→NL) and EMR region; share with an A1 applied or issued on or before the start day.",
                   compute: ver3),
        Definition(code: "FAC-1", focusArea: "faciliterend",
                   summary: "Register size (active members at period end), share with a verified registry id, share of the ~10,000 Maastricht freelancers.",
                   compute: fac1),
    ]

    /// Every KPI for every period, small counts suppressed, sorted by KPI, period, breakdown.
    public static func compute(_ db: Database, periods: [KPIPeriod]) throws -> [KPICell] {
        var cells: [KPICell] = []
        for definition in all {
            for period in periods { cells += KPISuppression.apply(try definition.compute(db, period)) }
        }
        return cells.sorted { ($0.kpi, $0.period, $0.breakdown) < ($1.kpi, $1.period, $1.breakdown) }
    }

    /// The programme and every quarter in which a fact falls, in time order.
    public static func periods(_ db: Database) throws -> [KPIPeriod] {
        let quarters = try String.fetchAll(db, sql: """
            SELECT joined_q FROM members UNION SELECT ended_q FROM members WHERE ended_q IS NOT NULL UNION SELECT q FROM tenders UNION SELECT q FROM bids
            UNION SELECT q FROM awards UNION SELECT q FROM consortia UNION SELECT q FROM xborder
            UNION SELECT q FROM activities UNION SELECT q FROM training_hours ORDER BY 1
            """)
        return quarters.map(KPIPeriod.quarter) + [.programme]
    }

    // MARK: - One function per KPI

    static func soc1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let active = try ids(db, "SELECT event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        var cells = [cell("SOC-1", p, "", active)]
        cells += try groups(db, "SOC-1", p, "wijk", "SELECT coalesce(wijk, 'none'), event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        cells += try groups(db, "SOC-1", p, "country", "SELECT country, event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        let rows = try Row.fetchAll(db, sql: "SELECT grp, sum(delta) FROM tg_deltas WHERE q <= ? GROUP BY grp HAVING sum(delta) > 0 ORDER BY grp", arguments: [p.last])
        for row in rows {
            let group: String = row[0], n: Int64 = row[1]
            cells.append(KPICell(kpi: "SOC-1", period: p.label, breakdown: "targetGroup=\(group)", value: n))
            cells.append(KPICell(kpi: "SOC-1", period: p.label, breakdown: "measure=share;targetGroup=\(group)",
                                 value: percent(n, Int64(active.count)), scale: 1, basis: n))
        }
        return cells
    }

    static func com1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let sql = "SELECT t.buyer_kind, a.value_cents, a.event_id FROM awards a JOIN tenders t USING (tender_id) WHERE t.cancelled = 0 AND a.q BETWEEN ? AND ?"
        let rows = try Row.fetchAll(db, sql: sql, arguments: [p.first, p.last])
        var byKind: [String: (Int64, [String])] = [:]
        var total: Int64 = 0
        for row in rows {
            let kind: String = row[0], cents: Int64 = row[1], id: String = row[2]
            byKind[kind, default: (0, [])].0 += cents
            byKind[kind, default: (0, [])].1.append(id)
            total += cents
        }
        var cells = [KPICell(kpi: "COM-1", period: p.label, value: total, scale: 2, basis: Int64(rows.count), evidence: rows.map { $0[2] })]
        for (kind, (cents, evidence)) in byKind.sorted(by: { $0.key < $1.key }) {
            cells.append(KPICell(kpi: "COM-1", period: p.label, breakdown: "client=\(kind)", value: cents, scale: 2,
                                 basis: Int64(evidence.count), evidence: evidence))
        }
        return cells
    }

    static func com2(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let rows = try Row.fetchAll(db, sql: "SELECT buyer_key, event_id FROM tenders WHERE buyer_kind = 'business' AND q BETWEEN ? AND ?",
                                    arguments: [p.first, p.last])
        let clients = Set(rows.map { $0[0] as String })
        return [KPICell(kpi: "COM-2", period: p.label, value: Int64(clients.count), evidence: rows.map { $0[1] })]
    }

    static func opd1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let all = try ids(db, "SELECT event_id FROM tenders WHERE q BETWEEN ? AND ?", [p.first, p.last])
        return [cell("OPD-1", p, "", all)]
            + (try groups(db, "OPD-1", p, "procedure", "SELECT procedure, event_id FROM tenders WHERE q BETWEEN ? AND ?", [p.first, p.last]))
    }

    static func opd2(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let live = "FROM bids b WHERE b.withdrawn = 0 AND b.q BETWEEN ? AND ?"
        let all = try ids(db, "SELECT event_id \(live)", [p.first, p.last])
        var cells = [cell("OPD-2", p, "", all)]
        for kind in ["member", "consortium"] {
            let bids = try ids(db, "SELECT event_id \(live) AND b.bidder_kind = ?", [p.first, p.last, kind])
            let won = try ids(db, "SELECT event_id \(live) AND b.bidder_kind = ? AND EXISTS (SELECT 1 FROM awards a WHERE a.bid_id = b.bid_id)",
                              [p.first, p.last, kind])
            cells.append(cell("OPD-2", p, "bidder=\(kind)", bids))
            cells.append(KPICell(kpi: "OPD-2", period: p.label, breakdown: "bidder=\(kind);measure=winRate",
                                 value: percent(Int64(won.count), Int64(bids.count)), scale: 1, basis: Int64(bids.count), evidence: won))
        }
        return cells
    }

    static func opd4(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let awarded = try ids(db, "SELECT event_id FROM awards WHERE q BETWEEN ? AND ?", [p.first, p.last])
        let matched = try ids(db, """
            SELECT a.event_id FROM awards a WHERE a.q BETWEEN ? AND ? AND EXISTS (
                SELECT 1 FROM bid_members bm JOIN members m ON m.member_id = bm.member_id
                JOIN lot_buurten lb ON lb.tender_id = a.tender_id AND lb.lot = a.lot AND lb.buurt = m.buurt
                WHERE bm.bid_id = a.bid_id)
            """, [p.first, p.last])
        return [KPICell(kpi: "OPD-4", period: p.label, value: percent(Int64(matched.count), Int64(awarded.count)), scale: 1,
                        basis: Int64(awarded.count), evidence: matched),
                cell("OPD-4", p, "measure=awardedLots", awarded)]
    }

    static func ler1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT coalesce(m.wijk, 'none'), t.minutes, t.event_id FROM training_hours t
            LEFT JOIN members m ON m.member_id = t.member_id WHERE t.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last])
        func hours(_ rs: [Row]) -> Int64 { (rs.reduce(Int64(0)) { $0 + ($1[1] as Int64) } * 10 + 30) / 60 }
        var cells = [KPICell(kpi: "LER-1", period: p.label, value: hours(rows), scale: 1, basis: Int64(rows.count), evidence: rows.map { $0[2] })]
        for (wijk, rs) in Dictionary(grouping: rows, by: { $0[0] as String }).sorted(by: { $0.key < $1.key }) {
            cells.append(KPICell(kpi: "LER-1", period: p.label, breakdown: "wijk=\(wijk)", value: hours(rs), scale: 1,
                                 basis: Int64(rs.count), evidence: rs.map { $0[2] }))
        }
        return cells
    }

    static func ler2(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let trainings = try ids(db, "SELECT event_id FROM activities WHERE type = 'training' AND q BETWEEN ? AND ?", [p.first, p.last])
        let participants = try Int64.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT at.member_id FROM attendees at JOIN activities a USING (activity_id)
                WHERE a.type = 'training' AND a.q BETWEEN ? AND ?
                UNION SELECT member_id FROM training_hours WHERE q BETWEEN ? AND ?)
            """, arguments: [p.first, p.last, p.first, p.last]) ?? 0
        return [cell("LER-2", p, "", trainings),
                KPICell(kpi: "LER-2", period: p.label, breakdown: "measure=uniqueParticipants", value: participants, evidence: trainings)]
    }

    static func ont1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let meetups = try ids(db, "SELECT event_id FROM activities WHERE type = 'meetup' AND q BETWEEN ? AND ?", [p.first, p.last])
        let attendance = try Int64.fetchOne(db, sql: """
            SELECT coalesce(sum(externals + (SELECT count(*) FROM attendees at WHERE at.activity_id = a.activity_id)), 0)
            FROM activities a WHERE a.type = 'meetup' AND a.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last]) ?? 0
        let unique = try Int64.fetchOne(db, sql: """
            SELECT count(DISTINCT at.member_id) FROM attendees at JOIN activities a USING (activity_id)
            WHERE a.type = 'meetup' AND a.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last]) ?? 0
        return [cell("ONT-1", p, "", meetups),
                KPICell(kpi: "ONT-1", period: p.label, breakdown: "measure=attendance", value: attendance, evidence: meetups),
                KPICell(kpi: "ONT-1", period: p.label, breakdown: "measure=uniqueAttendees", value: unique, evidence: meetups)]
    }

    static func ont3(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let sql = "SELECT coalesce(wijk, 'none'), event_id FROM activities WHERE type = 'meetup' AND q BETWEEN ? AND ?"
        let all = try ids(db, "SELECT event_id FROM activities WHERE type = 'meetup' AND q BETWEEN ? AND ?", [p.first, p.last])
        return [cell("ONT-3", p, "", all)] + (try groups(db, "ONT-3", p, "wijk", sql, [p.first, p.last]))
    }

    static func ver1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let formed = try ids(db, "SELECT event_id FROM consortia WHERE q BETWEEN ? AND ?", [p.first, p.last])
        let bidding = try ids(db, """
            SELECT c.event_id FROM consortia c WHERE c.q BETWEEN ? AND ? AND EXISTS (
                SELECT 1 FROM bids b WHERE b.bidder_id = c.consortium_id AND b.withdrawn = 0)
            """, [p.first, p.last])
        let bids = try ids(db, "SELECT event_id FROM bids WHERE bidder_kind = 'consortium' AND withdrawn = 0 AND q BETWEEN ? AND ?", [p.first, p.last])
        let won = try ids(db, """
            SELECT b.event_id FROM bids b WHERE b.bidder_kind = 'consortium' AND b.withdrawn = 0 AND b.q BETWEEN ? AND ?
            AND EXISTS (SELECT 1 FROM awards a WHERE a.bid_id = b.bid_id)
            """, [p.first, p.last])
        return [cell("VER-1", p, "", formed),
                KPICell(kpi: "VER-1", period: p.label, breakdown: "measure=shareThatBid", value: percent(Int64(bidding.count), Int64(formed.count)),
                        scale: 1, basis: Int64(formed.count), evidence: bidding),
                KPICell(kpi: "VER-1", period: p.label, breakdown: "measure=winRate", value: percent(Int64(won.count), Int64(bids.count)),
                        scale: 1, basis: Int64(bids.count), evidence: won)]
    }

    /// The YouRegion direction of a registration, as DOMAIN.md groups them.
    static let direction = """
        CASE WHEN residence = 'NL' AND work = 'BE' THEN 'NL→BE' WHEN residence = 'NL' AND work = 'DE' THEN 'NL→DE'
             WHEN residence IN ('BE', 'DE') AND work = 'NL' THEN 'BE/DE→NL' ELSE 'other' END
        """

    static func ver3(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let all = try ids(db, "SELECT event_id FROM xborder WHERE q BETWEEN ? AND ?", [p.first, p.last])
        let a1 = try ids(db, "SELECT event_id FROM xborder WHERE a1_before_start = 1 AND q BETWEEN ? AND ?", [p.first, p.last])
        return [cell("VER-3", p, "", all)]
            + (try groups(db, "VER-3", p, "direction", "SELECT \(direction), event_id FROM xborder WHERE q BETWEEN ? AND ?", [p.first, p.last]))
            + (try groups(db, "VER-3", p, "region", "SELECT region, event_id FROM xborder WHERE q BETWEEN ? AND ?", [p.first, p.last]))
            + [KPICell(kpi: "VER-3", period: p.label, breakdown: "measure=a1BeforeStart", value: percent(Int64(a1.count), Int64(all.count)),
                       scale: 1, basis: Int64(all.count), evidence: a1)]
    }

    static func fac1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let active = try ids(db, "SELECT event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        let verified = try ids(db, "SELECT event_id FROM members WHERE \(activeAt) AND verified_q <= ?", [p.last, p.last, p.last])
        return [cell("FAC-1", p, "", active),
                KPICell(kpi: "FAC-1", period: p.label, breakdown: "measure=verifiedShare", value: percent(Int64(verified.count), Int64(active.count)),
                        scale: 1, basis: Int64(active.count), evidence: verified),
                KPICell(kpi: "FAC-1", period: p.label, breakdown: "measure=shareOfMaastrichtFreelancers",
                        value: percent(Int64(active.count), maastrichtFreelancers), scale: 1, basis: Int64(active.count), evidence: active)]
            + (try groups(db, "FAC-1", p, "country", "SELECT country, event_id FROM members WHERE \(activeAt)", [p.last, p.last]))
    }

    // MARK: - Helpers

    /// Members joined by the end of the period and not ended or erased by then.
    static let activeAt = "joined_q <= ? AND (ended_q IS NULL OR ended_q > ?)"

    static func ids(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try String.fetchAll(db, sql: sql, arguments: arguments)
    }

    static func cell(_ kpi: String, _ p: KPIPeriod, _ breakdown: String, _ evidence: [String]) -> KPICell {
        KPICell(kpi: kpi, period: p.label, breakdown: breakdown, value: Int64(evidence.count), evidence: evidence)
    }

    /// Count cells per value of the first column; the second column is the evidence.
    static func groups(_ db: Database, _ kpi: String, _ p: KPIPeriod, _ key: String, _ sql: String,
                       _ arguments: StatementArguments) throws -> [KPICell] {
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        return Dictionary(grouping: rows, by: { $0[0] as String }).sorted { $0.key < $1.key }.map { value, rs in
            cell(kpi, p, "\(key)=\(value)", rs.map { $0[1] })
        }
    }

    /// `part / whole` in percent with one decimal (scale 1), rounded half up; 0 for an empty whole.
    static func percent(_ part: Int64, _ whole: Int64) -> Int64 {
        whole == 0 ? 0 : (part * 1000 * 2 + whole) / (2 * whole)
    }
}
