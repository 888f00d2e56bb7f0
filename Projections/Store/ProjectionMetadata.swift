import GRDB

/// The runner's row in every projection file (table `projection_meta`): which projector and
/// version built the file, and the checkpoint — the last log position whose effects the file
/// holds. The checkpoint is written in the same transaction as the rows of its batch.
struct ProjectionMetadata: Sendable, Hashable {
    var name: String
    var version: Int
    var position: UInt64

    static let table = "projection_meta"

    static func create(_ db: Database, name: String, version: Int) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS projection_meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                name TEXT NOT NULL,
                version INTEGER NOT NULL,
                position INTEGER NOT NULL)
            """)
        try db.execute(sql: "INSERT OR IGNORE INTO projection_meta (id, name, version, position) VALUES (1, ?, ?, 0)",
                       arguments: [name, version])
    }

    /// The stored metadata, or nil when the file has none (never initialised).
    static func read(_ db: Database) throws -> ProjectionMetadata? {
        guard try db.tableExists(table) else { return nil }
        guard let row = try Row.fetchOne(db, sql: "SELECT name, version, position FROM projection_meta WHERE id = 1") else {
            return nil
        }
        let position: Int64 = row["position"]
        return ProjectionMetadata(name: row["name"], version: row["version"], position: UInt64(position))
    }

    static func setPosition(_ position: UInt64, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: "UPDATE projection_meta SET position = ? WHERE id = 1")
        statement.setUncheckedArguments([Int64(position)])
        try statement.execute()
    }
}
