import Foundation
import GRDB
import Synchronization

/// The member directory's profile changes of a build's batch, merged per member and written
/// once per member at the end of the batch (`flush`, from `finishBatch`), in member-id order.
///
/// A build applies ~400,000 profile, skills, rate, availability and verification changes to
/// 100,000 member rows over a million events, each one an `UPDATE … WHERE member_id = ? AND
/// status <> 'erased'` that descends the primary-key index on a random 36-character id and
/// rewrites the row. Merged, a member changed several times in a batch is written once, and the
/// rows are visited in key order. The rows are the same: these changes all carry the same
/// condition, and only `MemberRegistered`, `MembershipEnded` and `MemberErased` change a row's
/// status, so the directory writes a member's merged changes (`flush(member:)`) before any of
/// those; between two of them the changes apply in order, the last value of each column wins.
///
/// Used only while the build defers the full-text index (the rows' `RETURNING rowid` marking
/// is not needed then); live batches write every change at once, as before. The pending
/// changes are kept per connection, like `SortedIdPairInserts`; `begin` drops what a
/// rolled-back batch left.
final class MemberRowPatches: Sendable {
    struct Patch {
        var profile: (headline: String?, languages: String, serviceCountries: String)?
        var skills: String?
        var rate: (unit: String, cents: Int64, band: String)?
        var availability: String?
        var verified = false
    }

    private let pending = Mutex<[ObjectIdentifier: [UUID: Patch]]>([:])

    /// At the start of a batch: merges its changes when `merged`, else they are written at once.
    func begin(merged: Bool, _ db: Database) {
        let key = ObjectIdentifier(db)
        pending.withLock { $0[key] = merged ? [:] : nil }
    }

    /// Merges `change` into the member's pending patch; false when this batch writes at once.
    func merge(_ member: UUID, _ db: Database, _ change: (inout Patch) -> Void) -> Bool {
        let key = ObjectIdentifier(db)
        return pending.withLock { pending -> Bool in
            guard pending[key] != nil else { return false }
            change(&pending[key]![member, default: Patch()])
            return true
        }
    }

    /// Drops the member's pending changes (its row is about to be replaced as a whole).
    func discard(member: UUID, _ db: Database) {
        let key = ObjectIdentifier(db)
        pending.withLock { _ = $0[key]?.removeValue(forKey: member) }
    }

    /// Writes the member's pending changes now (before a change of its status).
    func flush(member: UUID, _ db: Database) throws {
        let key = ObjectIdentifier(db)
        guard let patch = pending.withLock({ $0[key]?.removeValue(forKey: member) }) else { return }
        try Self.write(member, patch, try db.cachedStatement(sql: Self.sql))
    }

    /// At the end of a batch: writes every pending patch, in member-id order (the order of the
    /// ids' lowercase text, which is the order of their bytes).
    func flush(_ db: Database) throws {
        let key = ObjectIdentifier(db)
        guard let patches = pending.withLock({ $0.removeValue(forKey: key) }), !patches.isEmpty else { return }
        let sorted = patches.sorted { a, b in
            withUnsafeBytes(of: a.key.uuid) { x in
                withUnsafeBytes(of: b.key.uuid) { y in memcmp(x.baseAddress!, y.baseAddress!, 16) < 0 }
            }
        }
        let statement = try db.cachedStatement(sql: Self.sql)
        for (member, patch) in sorted { try Self.write(member, patch, statement) }
    }

    /// One member's merged changes: each column group set when the patch has it, kept otherwise.
    static let sql = """
        UPDATE members SET headline = CASE WHEN ?1 THEN ?2 ELSE headline END,
            languages = CASE WHEN ?1 THEN ?3 ELSE languages END,
            service_countries = CASE WHEN ?1 THEN ?4 ELSE service_countries END,
            skills = CASE WHEN ?5 THEN ?6 ELSE skills END,
            rate_unit = CASE WHEN ?7 THEN ?8 ELSE rate_unit END,
            rate_cents = CASE WHEN ?7 THEN ?9 ELSE rate_cents END,
            rate_band = CASE WHEN ?7 THEN ?10 ELSE rate_band END,
            availability = CASE WHEN ?11 THEN ?12 ELSE availability END,
            verified = CASE WHEN ?13 THEN 1 ELSE verified END
        WHERE member_id = ?14 AND status <> 'erased'
        """

    private static func write(_ member: UUID, _ patch: Patch, _ statement: Statement) throws {
        try statement.run { b in
            b.int(1, patch.profile == nil ? 0 : 1)
            b.text(2, patch.profile?.headline)
            b.text(3, patch.profile?.languages)
            b.text(4, patch.profile?.serviceCountries)
            b.int(5, patch.skills == nil ? 0 : 1)
            b.text(6, patch.skills)
            b.int(7, patch.rate == nil ? 0 : 1)
            b.text(8, patch.rate?.unit)
            b.int(9, patch.rate?.cents)
            b.text(10, patch.rate?.band)
            b.int(11, patch.availability == nil ? 0 : 1)
            b.text(12, patch.availability)
            b.int(13, patch.verified ? 1 : 0)
            b.id(14, member)
        }
    }
}
