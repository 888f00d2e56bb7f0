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
public struct ProgrammeKPIProjector: HandlerTableProjector {
    public let name = "programme-kpis"
    public let version = 1
    let geography: MaastrichtGeography
    let vault: PersonalDataVault?

    public init(geography: MaastrichtGeography, vault: PersonalDataVault?) {
        self.geography = geography
        self.vault = vault
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

    public static let handlers = EventHandlers<ProgrammeKPIProjector>(
        .on(MemberRegistered.self) { p, e, event, db in
            try db.run(cached: "INSERT OR REPLACE INTO members (member_id, event_id, joined_q, country, buurt, wijk) VALUES (?,?,?,?,?,?)") { b in
                b.id(1, e.memberId)
                b.id(2, event.id)
                b.text(3, Quarter.label(e.joinedOn))
                b.text(4, e.residenceCountry.rawValue)
                b.text(5, e.buurt)
                b.text(6, e.buurt.flatMap { p.geography.wijk(ofBuurt: $0)?.code })
            }
        },
        .on(MemberRegistryVerified.self) { _, e, event, db in
            try db.run(cached: "UPDATE members SET verified_q = coalesce(verified_q, ?) WHERE member_id = ?") { b in
                b.text(1, Quarter.label(event.recordedAt))
                b.id(2, e.memberId)
            }
        },
        .on(MembershipEnded.self) { p, e, event, db in
            try db.run(cached: "UPDATE members SET ended_q = coalesce(ended_q, ?) WHERE member_id = ?") { b in
                b.text(1, Quarter.label(e.endedOn))
                b.id(2, e.memberId)
            }
            try p.withdrawTargetGroups(of: e.memberId, in: Quarter.label(event.recordedAt), db)
        },
        .on(MemberErased.self) { p, e, event, db in
            let q = Quarter.label(event.recordedAt)
            try db.run(cached: "UPDATE members SET ended_q = coalesce(ended_q, ?) WHERE member_id = ?") { b in
                b.text(1, q)
                b.id(2, e.memberId)
            }
            try p.withdrawTargetGroups(of: e.memberId, in: q, db)
            try db.run(cached: "DELETE FROM tg_sealed WHERE member_id = ?") { $0.id(1, e.memberId) }
        },
        .on(MemberTargetGroupsDeclared.self) { p, e, event, db in
            let q = Quarter.label(event.recordedAt)
            try p.withdrawTargetGroups(of: e.memberId, in: q, db)
            guard let details = try p.open(e.details, of: e.memberId) else { return }
            for g in Set(details.groups) { try p.addTargetGroup(g, 1, in: q, db) }
            if details.ageBand == .from55, !details.groups.contains(.age55Plus) {
                try p.addTargetGroup(.age55Plus, 1, in: q, db)
            }
            try db.run(cached: "INSERT OR REPLACE INTO tg_sealed VALUES (?,?)") { b in
                b.id(1, e.memberId)
                b.blob(2, e.details.bytes)
            }
        },
        .on(MemberTargetGroupsWithdrawn.self) { p, e, event, db in
            try p.withdrawTargetGroups(of: e.memberId, in: Quarter.label(event.recordedAt), db)
            try db.run(cached: "DELETE FROM tg_sealed WHERE member_id = ?") { $0.id(1, e.memberId) }
        },
        .on(TenderPublished.self) { _, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO tenders (tender_id, event_id, q, procedure, buyer_kind, buyer_key) VALUES (?,?,?,?,?,?)") { b in
                b.id(1, e.tenderId)
                b.id(2, event.id)
                b.text(3, Quarter.label(event.recordedAt))
                b.text(4, e.procedure.rawValue)
                b.text(5, e.buyer.kind.rawValue)
                b.text(6, e.buyer.organisationId ?? e.buyer.name)
            }
            for lot in e.lots {
                for buurt in lot.buurten {
                    try db.run(cached: "INSERT INTO lot_buurten VALUES (?,?,?)") { b in
                        b.id(1, e.tenderId)
                        b.int(2, Int64(lot.number))
                        b.text(3, buurt)
                    }
                }
            }
        },
        .on(TenderCancelled.self) { _, e, _, db in
            try db.run(cached: "UPDATE tenders SET cancelled = 1 WHERE tender_id = ?") { $0.id(1, e.tenderId) }
        },
        .on(BidSubmitted.self) { _, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO bids (bid_id, event_id, tender_id, q, bidder_kind, bidder_id) VALUES (?,?,?,?,?,?)") { b in
                b.id(1, e.bidId)
                b.id(2, event.id)
                b.id(3, e.tenderId)
                b.text(4, Quarter.label(event.recordedAt))
                b.text(5, e.bidder.kind.rawValue)
                b.id(6, e.bidder.id)
            }
            for m in e.participatingMemberIds {
                try db.run(cached: "INSERT INTO bid_members VALUES (?,?)") { b in
                    b.id(1, e.bidId)
                    b.id(2, m)
                }
            }
        },
        .on(BidWithdrawn.self) { _, e, _, db in
            try db.run(cached: "UPDATE bids SET withdrawn = 1 WHERE bid_id = ?") { $0.id(1, e.bidId) }
        },
        .on(AwardIntended.self) { _, e, event, db in
            try db.run(cached: "INSERT INTO awards VALUES (?,?,?,?,?,?)") { b in
                b.id(1, event.id)
                b.id(2, e.tenderId)
                b.int(3, Int64(e.lot))
                b.id(4, e.bidId)
                b.text(5, Quarter.label(event.recordedAt))
                b.int(6, e.valueCents)
            }
        },
        .on(ConsortiumFormed.self) { _, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO consortia VALUES (?,?,?)") { b in
                b.id(1, e.consortiumId)
                b.id(2, event.id)
                b.text(3, Quarter.label(event.recordedAt))
            }
        },
        .on(CrossBorderWorkRegistered.self) { _, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO xborder (assignment_id, event_id, q, residence, work, region, starts_on) VALUES (?,?,?,?,?,?,?)") { b in
                b.id(1, e.assignmentId)
                b.id(2, event.id)
                b.text(3, Quarter.label(e.startsOn))
                b.text(4, e.residenceCountry.rawValue)
                b.text(5, e.workCountry.rawValue)
                b.text(6, e.emrRegion.rawValue)
                b.int(7, Int64(e.startsOn.daysSinceEpoch))
            }
        },
        .on(A1CertificateRecorded.self) { _, e, event, db in
            guard e.status != .refused else { return }
            try db.run(cached: "UPDATE xborder SET a1_before_start = 1 WHERE assignment_id = ? AND starts_on >= ?") { b in
                b.id(1, e.assignmentId)
                b.int(2, Int64(Quarter.dayOf(event.recordedAt).daysSinceEpoch))
            }
        },
        .on(ProgrammeActivityHeld.self) { p, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO activities VALUES (?,?,?,?,?,?,?)") { b in
                b.id(1, e.activityId)
                b.id(2, event.id)
                b.text(3, Quarter.label(e.heldOn))
                b.text(4, e.activityType.rawValue)
                b.text(5, e.buurt.flatMap { p.geography.wijk(ofBuurt: $0)?.code })
                b.int(6, Int64(e.durationMinutes))
                b.int(7, Int64(e.externalAttendeeCount))
            }
            for m in Set(e.attendingMemberIds) {
                try db.run(cached: "INSERT INTO attendees VALUES (?,?)") { b in
                    b.id(1, e.activityId)
                    b.id(2, m)
                }
            }
        },
        .on(TrainingHoursRecorded.self) { _, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO training_hours VALUES (?,?,?,?)") { b in
                b.id(1, event.id)
                b.text(2, Quarter.label(event.recordedAt))
                b.id(3, e.memberId)
                b.int(4, Int64(e.durationMinutes))
            }
        },
        .on(ProgrammeGoalSet.self) { _, e, event, db in
            try db.run(cached: "INSERT OR REPLACE INTO goals VALUES (?,?,?,?,?,?)") { b in
                b.text(1, e.kpiCode)
                b.text(2, e.period)
                b.text(3, e.focusArea.rawValue)
                b.int(4, e.targetValue)
                b.int(5, Int64(e.scale))
                b.id(6, event.id)
            }
        }
    )

    /// One more (+1) or one fewer (-1) member of `group` counted in quarter `q`.
    private func addTargetGroup(_ group: TargetGroup, _ delta: Int64, in q: String, _ db: Database) throws {
        try db.run(cached: "INSERT INTO tg_deltas VALUES (?,?,?)") { b in
            b.text(1, q)
            b.text(2, group.rawValue)
            b.int(3, delta)
        }
    }

    /// Subtracts the member's currently counted target groups (if any, and if still readable).
    private func withdrawTargetGroups(of member: UUID, in q: String, _ db: Database) throws {
        let select = try db.cachedStatement(sql: "SELECT sealed FROM tg_sealed WHERE member_id = ?")
        select.setUncheckedArguments([String(id: member)])
        guard let sealed = try Data.fetchOne(select),
              let details = try open(SealedData(bytes: Array(sealed)), of: member) else { return }
        for g in Set(details.groups) { try addTargetGroup(g, -1, in: q, db) }
        if details.ageBand == .from55, !details.groups.contains(.age55Plus) {
            try addTargetGroup(.age55Plus, -1, in: q, db)
        }
        try db.run(cached: "DELETE FROM tg_sealed WHERE member_id = ?") { $0.id(1, member) }
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

