import EventLog
import Events
import FabriekReference
import Foundation
import GRDB
import PersonalData

/// The facts the programme KPIs are computed from, one small table per kind of fact, each row
/// carrying the id of the event that established it (the audit trail).
///
/// How each KPI is computed from these facts lives in one place, `KPIDefinitions`; this
/// projector only records facts. Reports fold the same projector over a log prefix
/// (`InMemoryFold`), so the live read model and an as-of report use the same code.
///
/// Personal data: target groups are sealed in the events. With a vault, `apply` opens a
/// declaration and adds it to `tg_deltas` (counts per quarter and group); the rows never say
/// whose groups they are. The sealed bytes are kept (`tg_sealed`, ciphertext as in the log) to
/// subtract the groups again on withdrawal or end of membership. An erased member's
/// declaration can no longer be opened: a recomputation then leaves it out, which is why an
/// issued report keeps its own values (`ProgrammeReportIssued`). The live file cannot subtract
/// the groups of a member whose key is already destroyed when `MemberErased` is applied; it
/// keeps that contribution until rebuilt (`ProjectionRunner.rebuild`), after which it matches
/// a fresh fold. Without a vault, or without a member's key, their target groups are not
/// counted; reports say how many could not be read (`UnreadableInputs`).
public struct ProgrammeKPIProjector: Projector {
    public let name = "programme-kpis"
    public let version = 1
    let geography: MaastrichtGeography
    let vault: PersonalDataVault?

    public init(geography: MaastrichtGeography, vault: PersonalDataVault?) {
        self.geography = geography
        self.vault = vault
    }

    public var handledTypes: Set<String>? {
        ["MemberRegistered", "MemberRegistryVerified", "MembershipEnded", "MemberErased",
         "MemberTargetGroupsDeclared", "MemberTargetGroupsWithdrawn",
         "TenderPublished", "BidSubmitted", "BidWithdrawn", "AwardIntended", "TenderCancelled",
         "ConsortiumFormed", "CrossBorderWorkRegistered", "A1CertificateRecorded",
         "ProgrammeActivityHeld", "TrainingHoursRecorded", "ProgrammeGoalSet"]
    }

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: facts") { db in
            try db.execute(sql: """
                CREATE TABLE members (member_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, joined_q TEXT NOT NULL,
                    ended_q TEXT, country TEXT NOT NULL, buurt TEXT, wijk TEXT, verified_q TEXT);
                CREATE TABLE tg_sealed (member_id TEXT PRIMARY KEY, sealed BLOB NOT NULL);
                CREATE TABLE tg_deltas (q TEXT NOT NULL, grp TEXT NOT NULL, delta INTEGER NOT NULL);
                CREATE TABLE tenders (tender_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, q TEXT NOT NULL,
                    procedure TEXT NOT NULL, buyer_kind TEXT NOT NULL, buyer_key TEXT NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE lot_buurten (tender_id TEXT NOT NULL, lot INTEGER NOT NULL, buurt TEXT NOT NULL);
                CREATE TABLE bids (bid_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, tender_id TEXT NOT NULL, q TEXT NOT NULL,
                    bidder_kind TEXT NOT NULL, bidder_id TEXT NOT NULL, withdrawn INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE bid_members (bid_id TEXT NOT NULL, member_id TEXT NOT NULL);
                CREATE TABLE awards (event_id TEXT PRIMARY KEY, tender_id TEXT NOT NULL, lot INTEGER NOT NULL, bid_id TEXT NOT NULL,
                    q TEXT NOT NULL, value_cents INTEGER NOT NULL);
                CREATE TABLE consortia (consortium_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, q TEXT NOT NULL);
                CREATE TABLE xborder (assignment_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, q TEXT NOT NULL,
                    residence TEXT NOT NULL, work TEXT NOT NULL, region TEXT NOT NULL, starts_on INTEGER NOT NULL,
                    a1_before_start INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE activities (activity_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, q TEXT NOT NULL,
                    type TEXT NOT NULL, wijk TEXT, minutes INTEGER NOT NULL, externals INTEGER NOT NULL);
                CREATE TABLE attendees (activity_id TEXT NOT NULL, member_id TEXT NOT NULL);
                CREATE TABLE training_hours (event_id TEXT PRIMARY KEY, q TEXT NOT NULL, member_id TEXT NOT NULL, minutes INTEGER NOT NULL);
                CREATE TABLE goals (kpi TEXT NOT NULL, period TEXT NOT NULL, focus_area TEXT NOT NULL, target INTEGER NOT NULL,
                    scale INTEGER NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (kpi, period));
                """)
        }
    }

    public func apply(_ event: borrowing EventView, _ db: Database) throws {
        let id = event.idText
        let q = Quarter.label(event.recordedAt)
        switch try event.domainEvent() {
        case .member(.registered(let e)):
            try db.execute(cached: "INSERT OR REPLACE INTO members (member_id, event_id, joined_q, country, buurt, wijk) VALUES (?,?,?,?,?,?)",
                    [String(id: e.memberId), id, Quarter.label(e.joinedOn), e.residenceCountry.rawValue, e.buurt,
                     e.buurt.flatMap { geography.wijk(ofBuurt: $0)?.code }])
        case .member(.registryVerified(let e)):
            try db.execute(cached: "UPDATE members SET verified_q = coalesce(verified_q, ?) WHERE member_id = ?", [q, String(id: e.memberId)])
        case .member(.membershipEnded(let e)):
            try db.execute(cached: "UPDATE members SET ended_q = coalesce(ended_q, ?) WHERE member_id = ?", [Quarter.label(e.endedOn), String(id: e.memberId)])
            try withdrawTargetGroups(of: e.memberId, in: q, db)
        case .member(.erased(let e)):
            try db.execute(cached: "UPDATE members SET ended_q = coalesce(ended_q, ?) WHERE member_id = ?", [q, String(id: e.memberId)])
            try withdrawTargetGroups(of: e.memberId, in: q, db)
            try db.execute(cached: "DELETE FROM tg_sealed WHERE member_id = ?", [String(id: e.memberId)])
        case .member(.targetGroupsDeclared(let e)):
            try withdrawTargetGroups(of: e.memberId, in: q, db)
            guard let details = try open(e.details, of: e.memberId) else { return }
            for g in Set(details.groups) { try db.execute(cached: "INSERT INTO tg_deltas VALUES (?,?,1)", [q, g.rawValue]) }
            if details.ageBand == .from55, !details.groups.contains(.age55Plus) {
                try db.execute(cached: "INSERT INTO tg_deltas VALUES (?,?,1)", [q, TargetGroup.age55Plus.rawValue])
            }
            try db.execute(cached: "INSERT OR REPLACE INTO tg_sealed VALUES (?,?)", [String(id: e.memberId), Data(e.details.bytes)])
        case .member(.targetGroupsWithdrawn(let e)):
            try withdrawTargetGroups(of: e.memberId, in: q, db)
            try db.execute(cached: "DELETE FROM tg_sealed WHERE member_id = ?", [String(id: e.memberId)])
        case .tender(.published(let e)):
            let tender = String(id: e.tenderId)
            try db.execute(cached: "INSERT OR IGNORE INTO tenders (tender_id, event_id, q, procedure, buyer_kind, buyer_key) VALUES (?,?,?,?,?,?)",
                    [tender, id, q, e.procedure.rawValue, e.buyer.kind.rawValue, e.buyer.organisationId ?? e.buyer.name])
            for lot in e.lots { for b in lot.buurten { try db.execute(cached: "INSERT INTO lot_buurten VALUES (?,?,?)", [tender, Int64(lot.number), b]) } }
        case .tender(.cancelled(let e)):
            try db.execute(cached: "UPDATE tenders SET cancelled = 1 WHERE tender_id = ?", [String(id: e.tenderId)])
        case .tender(.bidSubmitted(let e)):
            let bid = String(id: e.bidId)
            try db.execute(cached: "INSERT OR IGNORE INTO bids (bid_id, event_id, tender_id, q, bidder_kind, bidder_id) VALUES (?,?,?,?,?,?)",
                    [bid, id, String(id: e.tenderId), q, e.bidder.kind.rawValue, String(id: e.bidder.id)])
            for m in e.participatingMemberIds { try db.execute(cached: "INSERT INTO bid_members VALUES (?,?)", [bid, String(id: m)]) }
        case .tender(.bidWithdrawn(let e)):
            try db.execute(cached: "UPDATE bids SET withdrawn = 1 WHERE bid_id = ?", [String(id: e.bidId)])
        case .tender(.awardIntended(let e)):
            try db.execute(cached: "INSERT INTO awards VALUES (?,?,?,?,?,?)",
                    [id, String(id: e.tenderId), Int64(e.lot), String(id: e.bidId), q, e.valueCents])
        case .consortium(.formed(let e)):
            try db.execute(cached: "INSERT OR IGNORE INTO consortia VALUES (?,?,?)", [String(id: e.consortiumId), id, q])
        case .crossBorder(.workRegistered(let e)):
            try db.execute(cached: "INSERT OR IGNORE INTO xborder (assignment_id, event_id, q, residence, work, region, starts_on) VALUES (?,?,?,?,?,?,?)",
                    [String(id: e.assignmentId), id, Quarter.label(e.startsOn), e.residenceCountry.rawValue,
                     e.workCountry.rawValue, e.emrRegion.rawValue, Int64(e.startsOn.daysSinceEpoch)])
        case .crossBorder(.a1CertificateRecorded(let e)):
            guard e.status != .refused else { return }
            try db.execute(cached: "UPDATE xborder SET a1_before_start = 1 WHERE assignment_id = ? AND starts_on >= ?",
                    [String(id: e.assignmentId), Int64(Quarter.dayOf(event.recordedAt).daysSinceEpoch)])
        case .programme(.activityHeld(let e)):
            let activity = String(id: e.activityId)
            try db.execute(cached: "INSERT OR IGNORE INTO activities VALUES (?,?,?,?,?,?,?)",
                    [activity, id, Quarter.label(e.heldOn), e.activityType.rawValue,
                     e.buurt.flatMap { geography.wijk(ofBuurt: $0)?.code }, Int64(e.durationMinutes), Int64(e.externalAttendeeCount)])
            for m in Set(e.attendingMemberIds) { try db.execute(cached: "INSERT INTO attendees VALUES (?,?)", [activity, String(id: m)]) }
        case .programme(.trainingHoursRecorded(let e)):
            try db.execute(cached: "INSERT OR IGNORE INTO training_hours VALUES (?,?,?,?)", [id, q, String(id: e.memberId), Int64(e.durationMinutes)])
        case .programme(.goalSet(let e)):
            try db.execute(cached: "INSERT OR REPLACE INTO goals VALUES (?,?,?,?,?,?)",
                    [e.kpiCode, e.period, e.focusArea.rawValue, e.targetValue, Int64(e.scale), id])
        default:
            return
        }
    }

    /// Subtracts the member's currently counted target groups (if any, and if still readable).
    private func withdrawTargetGroups(of member: UUID, in q: String, _ db: Database) throws {
        guard let sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM tg_sealed WHERE member_id = ?", arguments: [String(id: member)]),
              let details = try open(SealedData(bytes: Array(sealed)), of: member) else { return }
        for g in Set(details.groups) { try db.execute(cached: "INSERT INTO tg_deltas VALUES (?,?,-1)", [q, g.rawValue]) }
        if details.ageBand == .from55, !details.groups.contains(.age55Plus) {
            try db.execute(cached: "INSERT INTO tg_deltas VALUES (?,?,-1)", [q, TargetGroup.age55Plus.rawValue])
        }
        try db.execute(cached: "DELETE FROM tg_sealed WHERE member_id = ?", [String(id: member)])
    }

    private func open(_ sealed: SealedData, of member: UUID) throws -> TargetGroupDetails? {
        guard let vault, !sealed.isErasedMarker else { return nil }
        do {
            return try TargetGroupDetails.unsealed(sealed, subject: member, eventType: MemberTargetGroupsDeclared.typeName, in: vault)
        } catch let error as VaultError {
            // A key this vault never held (an export imported without its keys) is an input the
            // fold cannot read, as after an erasure; reports list it (`UnreadableInputs`).
            if case .noKey = error { return nil }
            throw error
        }
    }
}

