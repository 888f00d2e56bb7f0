import EventLog
import Foundation
import GRDB

/// Reusable checks every projector should pass, for any test framework:
///
/// ```swift
/// @Test func membersProjectionIsDeterministic() async throws {
///     let report = try await ProjectionConformance.rebuildTwice(MembersByNeighbourhood(), log: log)
///     #expect(report.differences.isEmpty, "\(report.differences)")
/// }
/// ```
public enum ProjectionConformance {
    /// The outcome of a check: empty `differences` means it passed.
    public struct Report: Sendable {
        /// Human-readable descriptions of what differed.
        public var differences: [String]
        /// The log position both builds reached.
        public var position: UInt64
        /// Every table's rows (sorted), keyed by table, as dumped from the first build.
        public var tables: [String: [String]]
    }

    /// Builds `projector` from the whole log twice, into two fresh files, and compares every
    /// table row by row (the runner's own tables excepted). A projector that depends on
    /// anything but the events (clock, randomness, dictionary order) shows up here.
    public static func rebuildTwice(_ projector: any Projector, log: EventLog, batchSize: Int = 1000) async throws -> Report {
        let head = log.head().position
        let first = try await buildAndDump(projector, log: log, batchSize: batchSize, through: head)
        let second = try await buildAndDump(projector, log: log, batchSize: max(1, batchSize / 7 + 1), through: head)
        var differences: [String] = []
        for table in Set(first.keys).union(second.keys).sorted() {
            let a = first[table] ?? [], b = second[table] ?? []
            if a != b {
                let firstMismatch = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                differences.append("table \(table): \(a.count) vs \(b.count) rows, first difference at row \(firstMismatch)")
            }
        }
        return Report(differences: differences, position: head, tables: first)
    }

    /// Every table of a projection (the runner's and GRDB's own excepted), each as its rows in
    /// sorted order. A virtual table (full-text search) counts by its rows; its shadow tables,
    /// whose layout depends on how the rows were batched, do not.
    public static func dumpTables(_ db: Database) throws -> [String: [String]] {
        var out: [String: [String]] = [:]
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual')
            AND name NOT LIKE 'sqlite_%' AND name NOT IN ('projection_meta', 'grdb_migrations')
            """)
        for table in tables {
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
            out[table] = rows.map { $0.description }.sorted()
        }
        return out
    }

    private static func buildAndDump(_ projector: any Projector, log: EventLog, batchSize: Int,
                                      through head: UInt64) async throws -> [String: [String]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = try ProjectionRunner(log: log, directory: dir, projectors: [projector],
                                          options: .init(batchSize: batchSize))
        runner.start()
        do {
            try await runner.waitUntil(projector.name, reached: head, timeout: .seconds(600))
            let dump = try await runner.read(projector.name) { try dumpTables($0) }
            await runner.stop()
            return dump
        } catch {
            await runner.stop()
            throw error
        }
    }
}
