import CSQLite
import Foundation
import Synchronization

/// The store a Swift user would otherwise pick: one SQLite events table in WAL mode with
/// `synchronous=FULL`, payloads as JSON text (`WorkloadJSONCodec`: Foundation's `JSONEncoder` and
/// `JSONDecoder`), the expected version enforced by `UNIQUE(stream, version)` (a conflicting
/// append fails with a constraint violation), statements prepared once and reused. Driven through
/// the C API. SQLite's settings are otherwise its defaults (page cache included).
final class SQLiteBaseline: BenchStore {
    static let name = "baseline"
    /// 64 × 25 = 1,600 events: SQLite serialises writers and sleeps in its busy handler.
    static let concurrentEventsPerTask = 25
    static let fileName = "events.sqlite"

    static let schema = """
        CREATE TABLE IF NOT EXISTS events(
            position INTEGER PRIMARY KEY,
            stream TEXT NOT NULL,
            version INTEGER NOT NULL,
            type TEXT NOT NULL,
            event_id TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            data TEXT NOT NULL,
            UNIQUE(stream, version))
        """
    static let insertSQL = """
        INSERT INTO events(stream, version, type, event_id, recorded_at, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        """
    static let columns = "position, stream, version, type, event_id, recorded_at, data"

    /// The statements an application prepares when it opens the store.
    private struct Statements {
        let insert, begin, commit, rollback, selectAll, selectStream, maxPosition: SQLiteStatement

        init(_ db: SQLiteConnection) throws {
            insert = try db.prepare(SQLiteBaseline.insertSQL)
            begin = try db.prepare("BEGIN")
            commit = try db.prepare("COMMIT")
            rollback = try db.prepare("ROLLBACK")
            selectAll = try db.prepare("SELECT \(SQLiteBaseline.columns) FROM events ORDER BY position")
            selectStream = try db.prepare("SELECT \(SQLiteBaseline.columns) FROM events WHERE stream = ?1 ORDER BY version")
            maxPosition = try db.prepare("SELECT coalesce(max(position), 0) FROM events")
        }
    }

    /// A row as a repository layer hands it to the application.
    private struct StoredEvent {
        var position: Int64
        var stream: String
        var version: Int64
        var type: String
        var eventID: String
        var recordedAt: Int64
        var data: Data
    }

    let path: String
    private let db: SQLiteConnection
    private let statements: Statements
    private let records: [WorkloadRecord]
    private let ids: [String]
    private let json = WorkloadJSONCodec()

    private init(path: String, db: SQLiteConnection, statements: Statements, workload: Workload) {
        self.path = path
        self.db = db
        self.statements = statements
        self.records = workload.records
        self.ids = workload.ids.map(\.uuidString)
    }

    /// Opens the database as an application does: WAL, synchronous=FULL, statements prepared,
    /// the last position read.
    private static func connect(path: String, creating: Bool) throws -> (SQLiteConnection, Statements, Int64) {
        let db = try SQLiteConnection(path: path)
        try db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        if creating { try db.exec(schema) }
        let statements = try Statements(db)
        defer { statements.maxPosition.reset() }
        _ = try statements.maxPosition.step()
        return (db, statements, statements.maxPosition.int64(0))
    }

    static func create(in directory: String, workload: Workload) throws -> SQLiteBaseline {
        let path = directory + "/" + fileName
        let (db, statements, _) = try connect(path: path, creating: true)
        return SQLiteBaseline(path: path, db: db, statements: statements, workload: workload)
    }

    static func timeOpen(in directory: String) throws -> Double {
        let start = monotonicNanoseconds()
        let (db, statements, last) = try connect(path: directory + "/" + fileName, creating: false)
        let ms = Double(monotonicNanoseconds() &- start) / 1e6
        blackHole(last)
        withExtendedLifetime(statements) {}
        db.close()
        return ms
    }

    /// Inserts record `index`; a UNIQUE violation means the stream was not at `version - 1`.
    @inline(__always)
    private func insert(_ index: Int) throws {
        let record = records[index]
        let insert = statements.insert
        insert.bind(1, record.stream)
        insert.bind(2, Int64(record.version))
        insert.bind(3, record.event.typeName)
        insert.bind(4, ids[index])
        insert.bind(5, wallClockMicroseconds())
        let data = try json.encode(record.event)
        data.withUnsafeBytes { insert.bindText(6, $0) }
        do { try insert.run() } catch let error as SQLiteError where error.isConstraintViolation {
            throw BenchCheckError(description: "baseline: wrong expected version for \(record.stream) at version \(record.version): \(error)")
        }
    }

    func appendOne(index: Int) async throws {
        try insert(index)
    }

    func appendCommit(_ range: Range<Int>) async throws {
        try statements.begin.run()
        do {
            for index in range { try insert(index) }
            try statements.commit.run()
        } catch {
            try? statements.rollback.run()
            throw error
        }
    }

    func replayRaw() throws -> Tally {
        let select = statements.selectAll
        defer { select.reset() }
        var tally = Tally()
        while try select.step() {
            let data = select.text(6)
            tally.add(Int(select.int64(0)) &+ Int(select.int64(2)) &+ select.text(1).count
                &+ Int(select.text(3).first ?? 0)
                &+ data.count &+ Int(data.first ?? 0) &+ Int(data.last ?? 0))
        }
        return tally
    }

    func replayTyped() throws -> Tally {
        let select = statements.selectAll
        defer { select.reset() }
        var tally = Tally()
        while try select.step() {
            guard let kind = WorkloadEventKind(utf8: select.text(3)) else {
                throw BenchCheckError(description: "baseline: unknown event type '\(select.string(3))' at position \(select.int64(0))")
            }
            tally.add(try json.decode(kind, from: Data(select.text(6))).foldValue)
        }
        return tally
    }

    func loadStream(_ stream: String) throws -> Tally {
        let select = statements.selectStream
        defer { select.reset() }
        select.bind(1, stream)
        var rows: [StoredEvent] = []
        while try select.step() {
            rows.append(StoredEvent(position: select.int64(0), stream: select.string(1), version: select.int64(2),
                                    type: select.string(3), eventID: select.string(4), recordedAt: select.int64(5),
                                    data: Data(select.text(6))))
        }
        var tally = Tally()
        for row in rows {
            guard let kind = WorkloadEventKind(name: row.type) else {
                throw BenchCheckError(description: "baseline: unknown event type '\(row.type)' at position \(row.position)")
            }
            tally.add(try json.decode(kind, from: row.data).foldValue)
        }
        return tally
    }

    /// Checkpoints the WAL into the database (TRUNCATE), measures database + WAL, closes.
    func closeAndMeasureSize() throws -> StoreSize {
        try db.exec("PRAGMA wal_checkpoint(TRUNCATE)")
        let database = Files.size(path), wal = Files.size(path + "-wal")
        db.close()
        return StoreSize(bytes: database + wal, detail: "database \(database) + WAL \(wal) bytes")
    }

    /// `tasks` threads, each with its own connection (busy_timeout 60 s), each inserting to a
    /// stream of its own (`concurrent-<task>`), one event per transaction (autocommit).
    static func appendConcurrently(in directory: String, workload: Workload, tasks: Int, perTask: Int) async throws -> Double {
        try appendOnThreads(path: directory + "/" + fileName, records: workload.records, tasks: tasks, perTask: perTask)
    }

    private static func appendOnThreads(path: String, records: [WorkloadRecord], tasks: Int, perTask: Int) throws -> Double {
        do {
            let (db, _, _) = try connect(path: path, creating: true)
            db.close()
        }
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let failures = Failures()
        for task in 0..<tasks {
            let thread = Thread {
                defer { done.signal() }
                var work: (() throws -> Void)?
                do {
                    let db = try SQLiteConnection(path: path)
                    try db.exec("PRAGMA busy_timeout=60000; PRAGMA synchronous=FULL;")
                    let insert = try db.prepare(insertSQL)
                    let json = WorkloadJSONCodec()
                    let ids = (0..<perTask).map { _ in UUID().uuidString }
                    let stream = "concurrent-\(task)"
                    work = {
                        for i in 0..<perTask {
                            let event = records[(task * perTask + i) % records.count].event
                            insert.bind(1, stream)
                            insert.bind(2, Int64(i + 1))
                            insert.bind(3, event.typeName)
                            insert.bind(4, ids[i])
                            insert.bind(5, wallClockMicroseconds())
                            let data = try json.encode(event)
                            data.withUnsafeBytes { insert.bindText(6, $0) }
                            try insert.run()
                        }
                        withExtendedLifetime(db) {}
                    }
                } catch {
                    failures.add("baseline appender \(task): \(error)")
                }
                ready.signal()
                go.wait()
                do { try work?() } catch { failures.add("baseline appender \(task): \(error)") }
            }
            thread.start()
        }
        for _ in 0..<tasks { ready.wait() }
        let start = monotonicNanoseconds()
        for _ in 0..<tasks { go.signal() }
        for _ in 0..<tasks { done.wait() }
        let seconds = secondsSince(start)
        if let first = failures.first { throw BenchCheckError(description: first) }

        let (db, statements, last) = try connect(path: path, creating: false)
        withExtendedLifetime(statements) {}
        db.close()
        guard last == Int64(tasks * perTask) else {
            throw BenchCheckError(description: "baseline: \(last) events after the concurrent phase, expected \(tasks * perTask)")
        }
        return seconds
    }
}

/// Error messages collected from appender threads.
private final class Failures: Sendable {
    private let messages = Mutex<[String]>([])
    func add(_ message: String) { messages.withLock { $0.append(message) } }
    var first: String? { messages.withLock { $0.first } }
}
