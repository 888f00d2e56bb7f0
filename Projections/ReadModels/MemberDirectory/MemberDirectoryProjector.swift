import EventLog
import Events
import FabriekReference
import Foundation
import GRDB
import PersonalData
import Synchronization

/// The member directory: non-personal profile fields for search by skill (FTS5), buurt, wijk,
/// country, availability and rate band.
///
/// Never stores personal data: legal name, e-mail, phone and address stay sealed in the
/// events, and a caller allowed to see them opens them at query time
/// (`MemberDirectory.personalDetails`). The trade name is public in the register but sealed in
/// `MemberRegistered` v2 (it is often the member's own name): it is opened with `vault` when the
/// member registers; without a vault, or without the member's key, it stays empty.
/// On `MemberErased` every descriptive field (trade name
/// included, which may be a person's name) is cleared and the member remains only as its
/// pseudonymous id with status `erased` (kind, country and join date cleared too).
///
/// Keeps one flag of the batch in progress (whether the full-text index is deferred): give
/// each runner that runs at the same time its own instance.
public struct MemberDirectoryProjector: HandlerTableProjector {
    public let name = "member-directory"
    public let version = 2  // 2: full-text rows keyed by the member row's rowid
    let geography: MaastrichtGeography
    let vault: PersonalDataVault?
    /// Whether the batch in progress leaves the full-text index to the end of the build (set
    /// by `beginBatch`): its changed members need no marking then.
    private let searchDeferred = Flag()
    /// A build's profile changes, merged per member and written at the end of each batch.
    let patches = MemberRowPatches()

    public init(geography: MaastrichtGeography, vault: PersonalDataVault?) {
        self.geography = geography
        self.vault = vault
    }

    /// The trade name of a registration: v1 plaintext, or opened from the sealed details; nil
    /// when it cannot be opened here (erased, or a key this vault never held).
    private func tradeName(of e: MemberRegistered) throws -> String? {
        do {
            return try e.identifiers(in: vault)?.tradeName
        } catch let error as VaultError {
            if case .noKey = error { return nil }
            throw error
        }
    }

    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: members") { db in
            try db.execute(sql: """
                CREATE TABLE members (member_id TEXT PRIMARY KEY, kind TEXT NOT NULL, country TEXT NOT NULL,
                    trade_name TEXT, headline TEXT, postcode_area TEXT, buurt TEXT, wijk TEXT, languages TEXT NOT NULL DEFAULT '',
                    service_countries TEXT NOT NULL DEFAULT '', skills TEXT NOT NULL DEFAULT '', availability TEXT NOT NULL DEFAULT 'available',
                    rate_unit TEXT, rate_cents INTEGER, rate_band TEXT, verified INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL DEFAULT 'active', joined_on TEXT NOT NULL);
                CREATE VIRTUAL TABLE member_search USING fts5(member_id UNINDEXED, skills, headline, trade_name,
                    tokenize = 'unicode61 remove_diacritics 2');
                """)
            try Self.queryIndexes.create(db)
        }
    }

    /// The indexes only queries use: a build creates them at the head (`DeferredIndexes`).
    static let queryIndexes = DeferredIndexes(indexes: [
        ("members_by_buurt", "CREATE INDEX IF NOT EXISTS members_by_buurt ON members (buurt)"),
        ("members_by_wijk", "CREATE INDEX IF NOT EXISTS members_by_wijk ON members (wijk)"),
    ])

    public static let handlers = EventHandlers<MemberDirectoryProjector>(
        .on(MemberRegistered.self) { p, e, _, db in
            if !p.searchDeferred.value.load(ordering: .relaxed) {
                try db.run(cached: "DELETE FROM member_search WHERE rowid IN (SELECT rowid FROM members WHERE member_id = ?)") { $0.id(1, e.memberId) }
            }
            p.patches.discard(member: e.memberId, db)  // the row is replaced as a whole
            let tradeName = try p.tradeName(of: e)
            try p.write(SQL.register, db) { b in
                b.id(1, e.memberId)
                b.text(2, e.kind.rawValue)
                b.text(3, e.residenceCountry.rawValue)
                b.text(4, tradeName)
                b.text(5, e.postcodeArea)
                b.text(6, e.buurt)
                b.text(7, e.buurt.flatMap { p.geography.wijk(ofBuurt: $0)?.code })
                b.text(8, e.joinedOn.description)
            }
        },
        .on(MemberRegistryVerified.self) { p, e, _, db in
            if p.patches.merge(e.memberId, db, { $0.verified = true }) { return }
            try db.run(cached: "UPDATE members SET verified = 1 WHERE member_id = ? AND status <> 'erased'") { $0.id(1, e.memberId) }
        },
        .on(MemberProfileUpdated.self) { p, e, _, db in
            let languages = e.languages.joined(separator: ",")
            let countries = e.serviceCountries.map(\.rawValue).joined(separator: ",")
            if p.patches.merge(e.memberId, db, { $0.profile = (e.headline, languages, countries) }) { return }
            try p.write(SQL.updateProfile, db) { b in
                b.text(1, e.headline)
                b.text(2, languages)
                b.text(3, countries)
                b.id(4, e.memberId)
            }
        },
        .on(MemberSkillsDeclared.self) { p, e, _, db in
            let skills = e.skills.joined(separator: ", ")
            if p.patches.merge(e.memberId, db, { $0.skills = skills }) { return }
            try p.write(SQL.updateSkills, db) { b in
                b.text(1, skills)
                b.id(2, e.memberId)
            }
        },
        .on(MemberRateSet.self) { p, e, _, db in
            let band = RateBand(unit: e.unit, amountCents: e.amountCents).rawValue
            if p.patches.merge(e.memberId, db, { $0.rate = (e.unit.rawValue, e.amountCents, band) }) { return }
            try db.run(cached: "UPDATE members SET rate_unit = ?, rate_cents = ?, rate_band = ? WHERE member_id = ? AND status <> 'erased'") { b in
                b.text(1, e.unit.rawValue)
                b.int(2, e.amountCents)
                b.text(3, band)
                b.id(4, e.memberId)
            }
        },
        .on(MemberAvailabilityChanged.self) { p, e, _, db in
            if p.patches.merge(e.memberId, db, { $0.availability = e.availability.rawValue }) { return }
            try db.run(cached: "UPDATE members SET availability = ? WHERE member_id = ? AND status <> 'erased'") { b in
                b.text(1, e.availability.rawValue)
                b.id(2, e.memberId)
            }
        },
        .on(MembershipEnded.self) { p, e, _, db in
            try p.patches.flush(member: e.memberId, db)  // the merged changes came before
            try db.run(cached: "UPDATE members SET status = 'ended' WHERE member_id = ? AND status = 'active'") { $0.id(1, e.memberId) }
        },
        .on(MemberErased.self) { p, e, _, db in
            try p.patches.flush(member: e.memberId, db)  // the merged changes came before
            try db.run(cached: """
                UPDATE members SET status = 'erased', kind = '', country = '', joined_on = '', verified = 0, trade_name = NULL, headline = NULL, postcode_area = NULL, buurt = NULL,
                    wijk = NULL, languages = '', service_countries = '', skills = '', rate_unit = NULL, rate_cents = NULL,
                    rate_band = NULL WHERE member_id = ?
                """) { $0.id(1, e.memberId) }
            if !p.searchDeferred.value.load(ordering: .relaxed) {  // else the index is empty until the head
                try db.run(cached: "DELETE FROM member_search WHERE rowid = (SELECT rowid FROM members WHERE member_id = ?)") { $0.id(1, e.memberId) }
            }
        }
    )

    /// Runs `sql` (a change of one member row that its full-text row shows) and marks the
    /// full-text row of the member row it changed (if any: an erased member's is never
    /// rewritten) for replacement at the end of the batch (`finishBatch`). While the index is
    /// deferred to the end of a build, runs it without its `RETURNING rowid` (SQLite collects
    /// returned rows in a temporary table per execution: a fifth of the member directory's
    /// rebuild time).
    private func write(_ sql: SQL.Change, _ db: Database, _ bind: (Statement.Binder) -> Void) throws {
        if searchDeferred.value.load(ordering: .relaxed) {
            try db.run(cached: sql.plain, bind)
            return
        }
        guard let rowid = try db.cachedStatement(sql: sql.returningRowid).firstInt(bind) else { return }
        try db.run(cached: "INSERT OR IGNORE INTO temp.member_search_pending VALUES (?)") { $0.int(1, rowid) }
    }

    /// The changes that `write` runs, each with and without `RETURNING rowid`.
    private enum SQL {
        struct Change {
            let plain: String
            let returningRowid: String
            init(_ sql: String) {
                plain = sql
                returningRowid = sql + " RETURNING rowid"
            }
        }

        static let register = Change("INSERT OR REPLACE INTO members (member_id, kind, country, trade_name, postcode_area, buurt, wijk, joined_on) VALUES (?,?,?,?,?,?,?,?)")
        static let updateProfile = Change("UPDATE members SET headline = ?, languages = ?, service_countries = ? WHERE member_id = ? AND status <> 'erased'")
        static let updateSkills = Change("UPDATE members SET skills = ? WHERE member_id = ? AND status <> 'erased'")
    }

    public func beginBatch(_ db: Database) throws {
        let deferred = try isDeferringSearch(db)
        searchDeferred.value.store(deferred, ordering: .relaxed)
        patches.begin(merged: deferred, db)
        if deferred { return }
        // A temporary table lives as long as the connection; creating it is a schema change,
        // which would drop the connection's cached statements, so only when it is missing.
        let exists = try db.cachedStatement(sql: "SELECT count(*) FROM temp.sqlite_master WHERE name = 'member_search_pending'")
        if try Int.fetchOne(exists) == 0 {
            try db.execute(sql: "CREATE TEMP TABLE member_search_pending (member_rowid INTEGER PRIMARY KEY)")
        }
        try db.run(cached: "DELETE FROM temp.member_search_pending")
    }

    /// Replaces the full-text row of every member the batch changed with its final skills,
    /// headline and trade name, in one statement and in rowid order: FTS5 buffers rows written
    /// in ascending rowid order and writes them as one segment at commit, whereas a row written
    /// below the previous one makes it flush a segment (one per event, when done per event).
    /// The full-text row shares the member row's rowid; an erased member gets none.
    public func finishBatch(_ db: Database) throws {
        try patches.flush(db)
        if searchDeferred.value.load(ordering: .relaxed) { return }
        try db.run(cached: """
            INSERT OR REPLACE INTO member_search (rowid, member_id, skills, headline, trade_name)
            SELECT m.rowid, m.member_id, m.skills, coalesce(m.headline, ''), coalesce(m.trade_name, '')
            FROM temp.member_search_pending p JOIN members m ON m.rowid = p.member_rowid
            WHERE m.status <> 'erased' ORDER BY m.rowid
            """)
        try db.run(cached: "DELETE FROM temp.member_search_pending")
    }

    /// A build from the first event leaves the full-text index empty (`member_search_deferred`
    /// marks it in the file) and writes it once at the head: replacing a full-text row costs
    /// FTS5 a delete of the old tokens, and per batch those replacements cost more than all
    /// the other rows of the read model. Searches find nothing until the build is at the head.
    public func beginBuild(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS member_search_deferred (since_first_event INTEGER)")
        try Self.queryIndexes.beginBuild(db)
    }

    /// Writes every member's full-text row, in rowid order, once the build has reached the head.
    public func finishBuild(_ db: Database) throws {
        try Self.queryIndexes.finishBuild(db)
        guard try isDeferringSearch(db) else { return }
        try db.execute(sql: """
            DELETE FROM member_search;
            INSERT INTO member_search (rowid, member_id, skills, headline, trade_name)
            SELECT rowid, member_id, skills, coalesce(headline, ''), coalesce(trade_name, '')
            FROM members WHERE status <> 'erased' ORDER BY rowid;
            DROP TABLE member_search_deferred;
            """)
    }

    private func isDeferringSearch(_ db: Database) throws -> Bool {
        let marker = try db.cachedStatement(sql: "SELECT count(*) FROM main.sqlite_master WHERE name = 'member_search_deferred'")
        return try Int.fetchOne(marker) == 1
    }
}
