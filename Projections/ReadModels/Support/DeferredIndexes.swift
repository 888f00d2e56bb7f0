import GRDB

/// A read model's secondary indexes that serve only its queries (never a lookup in `apply`):
/// a build from the first event (`Projector.beginBuild`) drops them and creates them again
/// once, sorted, when it reaches the head (`finishBuild`), instead of inserting every new row's
/// entry at a random place in each of them batch after batch.
///
/// The deferral is recorded in the file (table `deferred_indexes`), so a build stopped and
/// resumed by another process still creates them. While they are missing, queries on a serving
/// file being built from nothing give the same answers, by scanning the tables.
struct DeferredIndexes: Sendable {
    /// `CREATE INDEX IF NOT EXISTS name ON …` statements, each with its index's name.
    let indexes: [(name: String, create: String)]

    /// Creates every index that does not exist yet (a migration's schema, or the end of a build).
    func create(_ db: Database) throws {
        for index in indexes { try db.execute(sql: index.create) }
    }

    /// Drops the indexes and records that they are to be created at the head.
    func beginBuild(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS deferred_indexes (since_first_event INTEGER)")
        for index in indexes { try db.execute(sql: "DROP INDEX IF EXISTS \(index.name)") }
    }

    /// Creates the indexes a build deferred; costs one cached lookup when nothing was deferred.
    func finishBuild(_ db: Database) throws {
        guard try isDeferred(db) else { return }
        try create(db)
        try db.execute(sql: "DROP TABLE deferred_indexes")
    }

    /// Whether a build deferred the indexes and has not reached the head yet (one cached lookup).
    func isDeferred(_ db: Database) throws -> Bool {
        let marker = try db.cachedStatement(sql: "SELECT count(*) FROM main.sqlite_master WHERE name = 'deferred_indexes'")
        return try Int.fetchOne(marker) == 1
    }
}
