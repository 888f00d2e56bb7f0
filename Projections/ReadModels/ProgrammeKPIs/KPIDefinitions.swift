import Events
import FabriekReference
import GRDB

/// How every "Maastricht goals" KPI is computed: one function per KPI, each a few SQL queries
/// over the facts of `ProgrammeKPIProjector`. This file is the single definition an auditor
/// reads; the live read model, every as-of report and every trace (`KPITrace`) call it.
///
/// Conventions: a period is a range of quarters (`KPIPeriod`). Flow KPIs count facts in the
/// range; stock KPIs (members) take the state at the end of the range. The quarter of a fact
/// is the quarter of its domain date where the event has one (joined on, held on, starts on)
/// and otherwise of its recorded-at time. Percentages have scale 1 (`125` = 12.5%), euros
/// scale 2, hours scale 1. Each cell carries its contributions: the events it counts and what
/// each adds.
///
/// One rule for awards (DOMAIN.md, "Cancelled tenders"): an award counts in no KPI once its
/// tender's `TenderCancelled` lies within the fold, that is, within the report's position.
/// Every KPI reads awards through `countedAwards` only.
public enum KPIDefinitions {
    /// The definition of one KPI: its code, focus area, what it measures, and its computation.
    public struct Definition: Sendable {
        public let code: String
        public let focusArea: String
        /// One line (Dutch) stating what is counted, as printed in the report annex.
        public let summary: String
        /// Which events count (and which do not), as printed at the head of a trace.
        public let counts: String
        /// How a fact is placed in a period.
        public let periodRule: String
        /// True when the KPI is a state at the period's end (members), so periods do not add up.
        public let stock: Bool
        let compute: @Sendable (Database, KPIPeriod) throws -> [KPICell]
    }

    /// Freelancers in Maastricht, the denominator of FAC-1 (10,300 counted in 2013; *check*).
    public static let maastrichtFreelancers: Int64 = 10_000

    static let flowRule = "a fact counts in the quarter of its recorded-at time; a period counts the facts of its quarters"
    static let stockRule = "the state at the end of the period's last quarter (joined on or before it, not ended or erased by then)"

    public static let all: [Definition] = [
        Definition(code: "SOC-1", focusArea: "sociaal",
                   summary: "Actieve leden aan het eind van de periode (ingeschreven, niet beëindigd of verwijderd), per wijk, land en zelf opgegeven doelgroep, met het aandeel van elke doelgroep in alle actieve leden.",
                   counts: "MemberRegistered of members active at the period's end; MembershipEnded and MemberErased end a membership. Target groups: MemberTargetGroupsDeclared minus MemberTargetGroupsWithdrawn (sealed; counts only, never traced to members).",
                   periodRule: stockRule + " (the quarter of the joined-on day)", stock: true, compute: soc1),
        Definition(code: "COM-1", focusArea: "commercieel",
                   summary: "Som van de voorgenomen gunningswaarden (AwardIntended) op niet ingetrokken opdrachten, in euro, per soort opdrachtgever (gemeente/bedrijf).",
                   counts: "AwardIntended (its value in cents). Not counted: awards on a tender whose TenderCancelled lies within the report's position.",
                   periodRule: flowRule + " (of the AwardIntended)", stock: false, compute: com1),
        Definition(code: "COM-2", focusArea: "commercieel",
                   summary: "Verschillende zakelijke opdrachtgevers (organisatienummer, anders naam) die een opdracht publiceerden.",
                   counts: "TenderPublished by a business buyer; each buyer counts once per period, at its first tender.",
                   periodRule: flowRule + " (of the TenderPublished)", stock: false, compute: com2),
        Definition(code: "OPD-1", focusArea: "opdrachten",
                   summary: "Gepubliceerde opdrachten, per procedure.",
                   counts: "TenderPublished (+1 each).",
                   periodRule: flowRule + " (of the TenderPublished)", stock: false, compute: opd1),
        Definition(code: "OPD-2", focusArea: "opdrachten",
                   summary: "Ingediende en niet ingetrokken inschrijvingen, solo (lid) en als combinatie; winkans = inschrijvingen met een voorgenomen gunning / die inschrijvingen.",
                   counts: "BidSubmitted (+1 each). Not counted: bids withdrawn (BidWithdrawn) within the position. Win rate: bids with an AwardIntended, except awards on tenders cancelled within the position.",
                   periodRule: flowRule + " (of the BidSubmitted)", stock: false, compute: opd2),
        Definition(code: "OPD-4", focusArea: "opdrachten",
                   summary: "Aandeel van de gegunde percelen gewonnen door een inschrijving met een deelnemend lid dat in een buurt van het perceel staat ingeschreven.",
                   counts: "AwardIntended (the awarded lots); counted when a participating member of the bid is registered in a buurt of the lot. Not counted: awards on tenders cancelled within the position.",
                   periodRule: flowRule + " (of the AwardIntended)", stock: false, compute: opd4),
        Definition(code: "LER-1", focusArea: "lerend",
                   summary: "Geregistreerde trainingsuren (TrainingHoursRecorded), per wijk van het lid.",
                   counts: "TrainingHoursRecorded (its minutes); hours = total minutes / 60 with one decimal, rounded half up.",
                   periodRule: flowRule + " (of the TrainingHoursRecorded)", stock: false, compute: ler1),
        Definition(code: "LER-2", focusArea: "lerend",
                   summary: "Gehouden trainingen, en unieke leden die er een bijwoonden of trainingsuren registreerden.",
                   counts: "ProgrammeActivityHeld of type training (+1 each); unique participants: members attending a training or named by TrainingHoursRecorded, each once.",
                   periodRule: flowRule + "; an activity counts in the quarter of its held-on day", stock: false, compute: ler2),
        Definition(code: "ONT-1", focusArea: "ontmoetend",
                   summary: "Gehouden meetups; opkomst (leden plus externe deelnemers); unieke deelnemende leden.",
                   counts: "ProgrammeActivityHeld of type meetup (+1 each; attendance: its attending members plus external attendees; unique attendees: each member once).",
                   periodRule: "an activity counts in the quarter of its held-on day", stock: false, compute: ont1),
        Definition(code: "ONT-3", focusArea: "ontmoetend",
                   summary: "Gehouden meetups, per wijk van de buurt van de locatie.",
                   counts: "ProgrammeActivityHeld of type meetup (+1 each), by the wijk of its buurt (onbekend when the buurt is not in the reference data).",
                   periodRule: "an activity counts in the quarter of its held-on day", stock: false, compute: ont3),
        Definition(code: "VER-1", focusArea: "verbindend",
                   summary: "Gevormde combinaties; aandeel dat inschreef; winkans van inschrijvingen als combinatie.",
                   counts: "ConsortiumFormed (+1 each); share that bid: those with a BidSubmitted not withdrawn; win rate: consortium bids with an AwardIntended, except awards on tenders cancelled within the position.",
                   periodRule: flowRule + " (of the ConsortiumFormed, resp. BidSubmitted)", stock: false, compute: ver1),
        Definition(code: "VER-3", focusArea: "verbindend",
                   summary: "YouRegion-registraties naar startdatum, per richting (NL→BE, NL→DE, BE/DE→NL) en EMR-regio; aandeel met een A1 aangevraagd of afgegeven op of vóór de startdag.",
                   counts: "CrossBorderWorkRegistered (+1 each); A1 share: those with an A1CertificateRecorded applied or issued on or before the start day (refused, or recorded later, does not count).",
                   periodRule: "a registration counts in the quarter of its start day", stock: false, compute: ver3),
        Definition(code: "FAC-1", focusArea: "faciliterend",
                   summary: "Omvang van het register (actieve leden aan het eind van de periode), aandeel met een geverifieerde inschrijving, aandeel van de ~10.000 Maastrichtse zzp'ers.",
                   counts: "MemberRegistered of members active at the period's end; verified: with a MemberRegistryVerified by then.",
                   periodRule: stockRule, stock: true, compute: fac1),
    ]

    /// The definition of `code`, if it is a programme KPI.
    public static func definition(_ code: String) -> Definition? { all.first { $0.code == code } }

    /// Every KPI for every period, sorted by KPI, period, breakdown; small counts suppressed
    /// (`KPISuppression`, safe against differences) unless `suppress` is false.
    public static func compute(_ db: Database, periods: [KPIPeriod], suppress: Bool = true,
                               categories: [String: [String]] = categories(geography: nil)) throws -> [KPICell] {
        var cells: [KPICell] = []
        for definition in all {
            for period in periods { cells += try definition.compute(db, period) }
        }
        if suppress {
            cells = KPISuppression.apply(cells, relations: .init(stockKPIs: Set(all.filter(\.stock).map(\.code))), categories: categories)
        }
        return cells.sorted { ($0.kpi, $0.period, $0.breakdown) < ($1.kpi, $1.period, $1.breakdown) }
    }

    /// The values each breakdown key can take (the wijken of `geography`, or only `none`
    /// without it), for padding a dimension when suppression needs it (`KPISuppression`).
    public static func categories(geography: MaastrichtGeography?) -> [String: [String]] {
        ["wijk": (geography?.wijken.map(\.code) ?? []) + ["none"], "country": ["BE", "DE", "NL"],
         "client": BuyerKind.allCases.map(\.rawValue), "bidder": PartyKind.allCases.map(\.rawValue),
         "procedure": ProcedureType.allCases.map(\.rawValue), "direction": ["BE/DE→NL", "NL→BE", "NL→DE", "other"],
         "region": EmrRegion.allCases.map(\.rawValue)]
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

    // MARK: - The rule for awards

    /// The awards every KPI counts: those on tenders not cancelled within the fold. The one
    /// place that applies DOMAIN.md's "Cancelled tenders" decision.
    static let countedAwards = "(SELECT a.* FROM awards a JOIN tenders t USING (tender_id) WHERE t.cancelled = 0)"

    // MARK: - One function per KPI

    static func soc1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let active = try counted(db, "SELECT event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        var cells = [cell("SOC-1", p, "", active)]
        cells += try groups(db, "SOC-1", p, "wijk", "SELECT coalesce(wijk, 'none'), event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        cells += try groups(db, "SOC-1", p, "country", "SELECT country, event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        let rows = try Row.fetchAll(db, sql: "SELECT grp, sum(delta) FROM tg_deltas WHERE q <= ? GROUP BY grp HAVING sum(delta) > 0 ORDER BY grp", arguments: [p.last])
        for row in rows {
            // No contributions: a trace would tie members to their self-declared groups.
            let group: String = row[0], n: Int64 = row[1]
            cells.append(KPICell(kpi: "SOC-1", period: p.label, breakdown: "targetGroup=\(group)", value: n))
            cells.append(KPICell(kpi: "SOC-1", period: p.label, breakdown: "measure=share;targetGroup=\(group)",
                                 value: percent(n, Int64(active.count)), scale: 1, unit: .percent, basis: n, denominator: Int64(active.count)))
        }
        return cells
    }

    static func com1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let sql = "SELECT t.buyer_kind, a.value_cents, a.event_id FROM \(countedAwards) a JOIN tenders t USING (tender_id) WHERE a.q BETWEEN ? AND ?"
        let rows = try Row.fetchAll(db, sql: sql, arguments: [p.first, p.last])
        func euros(_ b: String, _ rs: [Row]) -> KPICell {
            KPICell(kpi: "COM-1", period: p.label, breakdown: b, value: rs.reduce(0) { $0 + ($1[1] as Int64) }, scale: 2, unit: .euro,
                    basis: Int64(rs.count), contributions: rs.map { KPIContribution($0[2], amount: $0[1]) })
        }
        return [euros("", rows)] + Dictionary(grouping: rows, by: { $0[0] as String }).sorted { $0.key < $1.key }.map { euros("client=\($0.key)", $0.value) }
    }

    static func com2(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let rows = try Row.fetchAll(db, sql: "SELECT buyer_key, event_id FROM tenders WHERE buyer_kind = 'business' AND q BETWEEN ? AND ?",
                                    arguments: [p.first, p.last])
        let clients = try Int64.fetchOne(db, sql: "SELECT count(DISTINCT buyer_key) FROM tenders WHERE buyer_kind = 'business' AND q BETWEEN ? AND ?",
                                         arguments: [p.first, p.last]) ?? 0
        return [KPICell(kpi: "COM-2", period: p.label, value: clients, unit: .distinct,
                        contributions: rows.map { KPIContribution($0[1], keys: [$0[0]]) })]
    }

    static func opd1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let all = try counted(db, "SELECT event_id FROM tenders WHERE q BETWEEN ? AND ?", [p.first, p.last])
        return [cell("OPD-1", p, "", all)]
            + (try groups(db, "OPD-1", p, "procedure", "SELECT procedure, event_id FROM tenders WHERE q BETWEEN ? AND ?", [p.first, p.last]))
    }

    static func opd2(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let live = "FROM bids b WHERE b.withdrawn = 0 AND b.q BETWEEN ? AND ?"
        let all = try counted(db, "SELECT event_id \(live)", [p.first, p.last])
        var cells = [cell("OPD-2", p, "", all)]
        for kind in ["member", "consortium"] {
            let bids = try counted(db, "SELECT event_id \(live) AND b.bidder_kind = ?", [p.first, p.last, kind])
            let won = try counted(db, "SELECT event_id \(live) AND b.bidder_kind = ? AND EXISTS (SELECT 1 FROM \(countedAwards) a WHERE a.bid_id = b.bid_id)",
                                  [p.first, p.last, kind])
            cells.append(cell("OPD-2", p, "bidder=\(kind)", bids))
            cells.append(share("OPD-2", p, "bidder=\(kind);measure=winRate", counted: won, base: bids))
        }
        return cells
    }

    static func opd4(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let awarded = try counted(db, "SELECT event_id FROM \(countedAwards) WHERE q BETWEEN ? AND ?", [p.first, p.last])
        let matched = try counted(db, """
            SELECT a.event_id FROM \(countedAwards) a WHERE a.q BETWEEN ? AND ? AND EXISTS (
                SELECT 1 FROM bid_members bm JOIN members m ON m.member_id = bm.member_id
                JOIN lot_buurten lb ON lb.tender_id = a.tender_id AND lb.lot = a.lot AND lb.buurt = m.buurt
                WHERE bm.bid_id = a.bid_id)
            """, [p.first, p.last])
        return [share("OPD-4", p, "", counted: matched, base: awarded), cell("OPD-4", p, "measure=awardedLots", awarded)]
    }

    static func ler1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT coalesce(m.wijk, 'none'), t.minutes, t.event_id FROM training_hours t
            LEFT JOIN members m ON m.member_id = t.member_id WHERE t.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last])
        func hours(_ b: String, _ rs: [Row]) -> KPICell {
            KPICell(kpi: "LER-1", period: p.label, breakdown: b, value: Self.hours(minutes: rs.reduce(0) { $0 + ($1[1] as Int64) }), scale: 1,
                    unit: .hours, basis: Int64(rs.count), contributions: rs.map { KPIContribution($0[2], amount: $0[1]) })
        }
        return [hours("", rows)] + Dictionary(grouping: rows, by: { $0[0] as String }).sorted { $0.key < $1.key }.map { hours("wijk=\($0.key)", $0.value) }
    }

    static func ler2(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let trainings = try counted(db, "SELECT event_id FROM activities WHERE type = 'training' AND q BETWEEN ? AND ?", [p.first, p.last])
        let participants = try Int64.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT at.member_id FROM attendees at JOIN activities a USING (activity_id)
                WHERE a.type = 'training' AND a.q BETWEEN ? AND ?
                UNION SELECT member_id FROM training_hours WHERE q BETWEEN ? AND ?)
            """, arguments: [p.first, p.last, p.first, p.last]) ?? 0
        let named = try attendance(db, type: "training", p)
            + (try Row.fetchAll(db, sql: "SELECT event_id, member_id FROM training_hours WHERE q BETWEEN ? AND ?", arguments: [p.first, p.last])
                .map { KPIContribution($0[0], keys: [$0[1]]) })
        return [cell("LER-2", p, "", trainings),
                KPICell(kpi: "LER-2", period: p.label, breakdown: "measure=uniqueParticipants", value: participants, unit: .distinct, contributions: named)]
    }

    static func ont1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let meetups = try counted(db, "SELECT event_id FROM activities WHERE type = 'meetup' AND q BETWEEN ? AND ?", [p.first, p.last])
        let attendance = try Int64.fetchOne(db, sql: """
            SELECT coalesce(sum(externals + (SELECT count(*) FROM attendees at WHERE at.activity_id = a.activity_id)), 0)
            FROM activities a WHERE a.type = 'meetup' AND a.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last]) ?? 0
        let unique = try Int64.fetchOne(db, sql: """
            SELECT count(DISTINCT at.member_id) FROM attendees at JOIN activities a USING (activity_id)
            WHERE a.type = 'meetup' AND a.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last]) ?? 0
        let perMeetup = try Row.fetchAll(db, sql: """
            SELECT a.event_id, a.externals + (SELECT count(*) FROM attendees at WHERE at.activity_id = a.activity_id)
            FROM activities a WHERE a.type = 'meetup' AND a.q BETWEEN ? AND ?
            """, arguments: [p.first, p.last]).map { KPIContribution($0[0], amount: $0[1]) }
        return [cell("ONT-1", p, "", meetups),
                KPICell(kpi: "ONT-1", period: p.label, breakdown: "measure=attendance", value: attendance, contributions: perMeetup),
                KPICell(kpi: "ONT-1", period: p.label, breakdown: "measure=uniqueAttendees", value: unique, unit: .distinct,
                        contributions: try Self.attendance(db, type: "meetup", p))]
    }

    static func ont3(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let sql = "SELECT coalesce(wijk, 'none'), event_id FROM activities WHERE type = 'meetup' AND q BETWEEN ? AND ?"
        let all = try counted(db, "SELECT event_id FROM activities WHERE type = 'meetup' AND q BETWEEN ? AND ?", [p.first, p.last])
        return [cell("ONT-3", p, "", all)] + (try groups(db, "ONT-3", p, "wijk", sql, [p.first, p.last]))
    }

    static func ver1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let formed = try counted(db, "SELECT event_id FROM consortia WHERE q BETWEEN ? AND ?", [p.first, p.last])
        let bidding = try counted(db, """
            SELECT c.event_id FROM consortia c WHERE c.q BETWEEN ? AND ? AND EXISTS (
                SELECT 1 FROM bids b WHERE b.bidder_id = c.consortium_id AND b.withdrawn = 0)
            """, [p.first, p.last])
        let bids = try counted(db, "SELECT event_id FROM bids WHERE bidder_kind = 'consortium' AND withdrawn = 0 AND q BETWEEN ? AND ?", [p.first, p.last])
        let won = try counted(db, """
            SELECT b.event_id FROM bids b WHERE b.bidder_kind = 'consortium' AND b.withdrawn = 0 AND b.q BETWEEN ? AND ?
            AND EXISTS (SELECT 1 FROM \(countedAwards) a WHERE a.bid_id = b.bid_id)
            """, [p.first, p.last])
        return [cell("VER-1", p, "", formed),
                share("VER-1", p, "measure=shareThatBid", counted: bidding, base: formed),
                share("VER-1", p, "measure=winRate", counted: won, base: bids)]
    }

    /// The YouRegion direction of a registration, as DOMAIN.md groups them.
    static let direction = """
        CASE WHEN residence = 'NL' AND work = 'BE' THEN 'NL→BE' WHEN residence = 'NL' AND work = 'DE' THEN 'NL→DE'
             WHEN residence IN ('BE', 'DE') AND work = 'NL' THEN 'BE/DE→NL' ELSE 'other' END
        """

    static func ver3(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let all = try counted(db, "SELECT event_id FROM xborder WHERE q BETWEEN ? AND ?", [p.first, p.last])
        let a1 = try counted(db, "SELECT event_id FROM xborder WHERE a1_before_start = 1 AND q BETWEEN ? AND ?", [p.first, p.last])
        return [cell("VER-3", p, "", all)]
            + (try groups(db, "VER-3", p, "direction", "SELECT \(direction), event_id FROM xborder WHERE q BETWEEN ? AND ?", [p.first, p.last]))
            + (try groups(db, "VER-3", p, "region", "SELECT region, event_id FROM xborder WHERE q BETWEEN ? AND ?", [p.first, p.last]))
            + [share("VER-3", p, "measure=a1BeforeStart", counted: a1, base: all)]
    }

    static func fac1(_ db: Database, _ p: KPIPeriod) throws -> [KPICell] {
        let active = try counted(db, "SELECT event_id FROM members WHERE \(activeAt)", [p.last, p.last])
        let verified = try counted(db, "SELECT event_id FROM members WHERE \(activeAt) AND verified_q <= ?", [p.last, p.last, p.last])
        return [cell("FAC-1", p, "", active),
                share("FAC-1", p, "measure=verifiedShare", counted: verified, base: active),
                KPICell(kpi: "FAC-1", period: p.label, breakdown: "measure=shareOfMaastrichtFreelancers",
                        value: percent(Int64(active.count), maastrichtFreelancers), scale: 1, unit: .percent, basis: Int64(active.count),
                        denominator: maastrichtFreelancers, contributions: active)]
            + (try groups(db, "FAC-1", p, "country", "SELECT country, event_id FROM members WHERE \(activeAt)", [p.last, p.last]))
    }

    // MARK: - Helpers

    /// Members joined by the end of the period and not ended or erased by then.
    static let activeAt = "joined_q <= ? AND (ended_q IS NULL OR ended_q > ?)"

    /// The events a one-column query of event ids returns, each counted +1.
    static func counted(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws -> [KPIContribution] {
        try String.fetchAll(db, sql: sql, arguments: arguments).map { KPIContribution($0) }
    }

    /// Each activity of `type` in the period with the members it names (for distinct counts).
    static func attendance(_ db: Database, type: String, _ p: KPIPeriod) throws -> [KPIContribution] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.event_id, at.member_id FROM activities a LEFT JOIN attendees at USING (activity_id)
            WHERE a.type = ? AND a.q BETWEEN ? AND ? ORDER BY a.event_id
            """, arguments: [type, p.first, p.last])
        return Dictionary(grouping: rows, by: { $0[0] as String }).sorted { $0.key < $1.key }.map { id, rs in
            KPIContribution(id, keys: rs.compactMap { $0[1] as String? })
        }
    }

    static func cell(_ kpi: String, _ p: KPIPeriod, _ breakdown: String, _ counted: [KPIContribution]) -> KPICell {
        KPICell(kpi: kpi, period: p.label, breakdown: breakdown, value: Int64(counted.count), contributions: counted)
    }

    /// A percentage `counted / base`, judged for suppression by the size of its base.
    static func share(_ kpi: String, _ p: KPIPeriod, _ breakdown: String, counted: [KPIContribution], base: [KPIContribution]) -> KPICell {
        KPICell(kpi: kpi, period: p.label, breakdown: breakdown, value: percent(Int64(counted.count), Int64(base.count)), scale: 1,
                unit: .percent, basis: Int64(base.count), denominator: Int64(base.count),
                contributions: counted + base.map { KPIContribution($0.eventId, .base) })
    }

    /// Count cells per value of the first column; the second column is the counted event.
    static func groups(_ db: Database, _ kpi: String, _ p: KPIPeriod, _ key: String, _ sql: String,
                       _ arguments: StatementArguments) throws -> [KPICell] {
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        return Dictionary(grouping: rows, by: { $0[0] as String }).sorted { $0.key < $1.key }.map { value, rs in
            cell(kpi, p, "\(key)=\(value)", rs.map { KPIContribution($0[1]) })
        }
    }

    /// `part / whole` in percent with one decimal (scale 1), rounded half up; 0 for an empty
    /// whole (shown as `–`: `KPICell.isUndefined`).
    public static func percent(_ part: Int64, _ whole: Int64) -> Int64 {
        whole == 0 ? 0 : (part * 1000 * 2 + whole) / (2 * whole)
    }

    /// Minutes as hours with one decimal (scale 1), rounded half up.
    public static func hours(minutes: Int64) -> Int64 { (minutes * 10 + 30) / 60 }
}
