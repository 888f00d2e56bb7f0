import EventLog
import GRDB

/// A domain-free reference projector: counts events per stream and per type, and records every
/// applied position in a table whose primary key makes a second application of the same event
/// fail. Used by the conformance checks and the crash tests; also a template for real ones.
///
/// Tables: `stream_counts(stream, events)`, `type_counts(type, events)`, `applied(position)`.
public struct StreamCountProjector: Projector {
    public let name: String
    public let version: Int
    public let handledTypes: Set<String>?

    public init(name: String = "stream-counts", version: Int = 1, handledTypes: Set<String>? = nil) {
        self.name = name
        self.version = version
        self.handledTypes = handledTypes
    }

    public func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v1: counts") { db in
            try db.execute(sql: """
                CREATE TABLE stream_counts (stream TEXT PRIMARY KEY, events INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE type_counts (type TEXT PRIMARY KEY, events INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE applied (position INTEGER PRIMARY KEY);
                """)
        }
    }

    public func apply(_ event: borrowing EventView, _ db: Database) throws {
        let byStream = try db.cachedStatement(sql: """
            INSERT INTO stream_counts (stream, events) VALUES (?, 1)
            ON CONFLICT (stream) DO UPDATE SET events = events + 1
            """)
        byStream.setUncheckedArguments([event.stream])
        try byStream.execute()
        let byType = try db.cachedStatement(sql: """
            INSERT INTO type_counts (type, events) VALUES (?, 1)
            ON CONFLICT (type) DO UPDATE SET events = events + 1
            """)
        byType.setUncheckedArguments([event.type])
        try byType.execute()
        let applied = try db.cachedStatement(sql: "INSERT INTO applied (position) VALUES (?)")
        applied.setUncheckedArguments([Int64(event.position)])
        try applied.execute()
    }

    /// Events per stream as the projection holds them.
    public static func streamCounts(_ db: Database) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT stream, events FROM stream_counts") {
            out[row["stream"]] = row["events"]
        }
        return out
    }

    /// Events per type as the projection holds them.
    public static func typeCounts(_ db: Database) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT type, events FROM type_counts") {
            out[row["type"]] = row["events"]
        }
        return out
    }
}
