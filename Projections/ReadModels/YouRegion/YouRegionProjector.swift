import EventLog
import Events
import Foundation
import GRDB

/// The YouRegion register: every cross-border registration with its direction, countries,
/// EMR region, period (quarter of the start day) and A1 status. No personal data: the member
/// appears by id only.
public struct YouRegionProjector: HandlerTableProjector {
    public let name = "youregion-register"
    public let version = 1
    public init() {}

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: registrations") { db in
            try db.execute(sql: """
                CREATE TABLE registrations (assignment_id TEXT PRIMARY KEY, member_id TEXT NOT NULL,
                    residence TEXT NOT NULL, work TEXT NOT NULL, direction TEXT NOT NULL, region TEXT NOT NULL,
                    client_kind TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, period TEXT NOT NULL,
                    basis TEXT NOT NULL, a1_status TEXT NOT NULL DEFAULT 'none', a1_before_start INTEGER NOT NULL DEFAULT 0,
                    ended_on TEXT, event_id TEXT NOT NULL);
                """)
            try Self.queryIndexes.create(db)
        }
    }

    /// The indexes only queries use: a build creates them at the head (`DeferredIndexes`).
    static let queryIndexes = DeferredIndexes(indexes: [
        ("registrations_by_period", "CREATE INDEX IF NOT EXISTS registrations_by_period ON registrations (period)"),
        ("registrations_by_member", "CREATE INDEX IF NOT EXISTS registrations_by_member ON registrations (member_id)"),
    ])

    public func beginBuild(_ db: Database) throws { try Self.queryIndexes.beginBuild(db) }

    public func finishBuild(_ db: Database) throws { try Self.queryIndexes.finishBuild(db) }

    public static let handlers = EventHandlers<YouRegionProjector>(
        .on(CrossBorderWorkRegistered.self) { _, e, event, db in
            try db.run(cached: "INSERT OR IGNORE INTO registrations (assignment_id, member_id, residence, work, direction, region, client_kind, starts_on, ends_on, period, basis, event_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)") { b in
                b.id(1, e.assignmentId)
                b.id(2, e.memberId)
                b.text(3, e.residenceCountry.rawValue)
                b.text(4, e.workCountry.rawValue)
                b.text(5, YouRegionDirection.of(residence: e.residenceCountry.rawValue, work: e.workCountry.rawValue))
                b.text(6, e.emrRegion.rawValue)
                b.text(7, e.clientKind.rawValue)
                b.text(8, e.startsOn.description)
                b.text(9, e.endsOn.description)
                b.text(10, Quarter.label(e.startsOn))
                b.text(11, e.socialSecurityBasis.rawValue)
                b.id(12, event.id)
            }
        },
        .on(A1CertificateRecorded.self) { _, e, event, db in
            let recorded = Quarter.dayOf(event.recordedAt).description
            try db.run(cached: """
                UPDATE registrations SET a1_status = ?1,
                    a1_before_start = CASE WHEN ?1 <> 'refused' AND ?2 <= starts_on THEN 1 ELSE a1_before_start END
                WHERE assignment_id = ?3
                """) { b in
                b.text(1, e.status.rawValue)
                b.text(2, recorded)
                b.id(3, e.assignmentId)
            }
        },
        .on(CrossBorderWorkEnded.self) { _, e, _, db in
            try db.run(cached: "UPDATE registrations SET ended_on = ? WHERE assignment_id = ?") { b in
                b.text(1, e.endedOn.description)
                b.id(2, e.assignmentId)
            }
        }
    )
}

/// The directions YouRegion reports on (DOMAIN.md): NL→BE, NL→DE, BE/DE→NL, other.
public enum YouRegionDirection {
    public static func of(residence: String, work: String) -> String {
        switch (residence, work) {
        case ("NL", "BE"): return "NL→BE"
        case ("NL", "DE"): return "NL→DE"
        case ("BE", "NL"), ("DE", "NL"): return "BE/DE→NL"
        default: return "other"
        }
    }
}
