import CSQLite

/// An SQLite error: the result code and SQLite's message, with the SQL that failed.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var sql: String

    /// The primary result code was `SQLITE_CONSTRAINT` (e.g. a UNIQUE violation).
    var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    var description: String { "SQLite error \(code) (\(message)) in: \(sql)" }
}

/// One connection, owned by one thread at a time (opened with `SQLITE_OPEN_NOMUTEX`).
/// Statements prepared on it are finalised before it is closed (`sqlite3_close_v2`).
final class SQLiteConnection {
    let handle: OpaquePointer

    /// Opens (creating if needed) the database file at `path`.
    init(path: String) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: message, sql: "open \(path)")
        }
        handle = db
    }

    private var isClosed = false

    deinit { close() }

    /// Closes the connection; statements still alive keep it as a zombie until finalised.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements, discarding any rows.
    func exec(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql) }
    }

    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql) }
        return SQLiteStatement(handle: stmt, connection: self, sql: sql)
    }

    func error(_ rc: Int32, _ sql: String) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}

/// A prepared statement, reused across executions: bind, step until done, reset.
final class SQLiteStatement {
    let handle: OpaquePointer
    private let connection: SQLiteConnection
    private let sql: String

    fileprivate init(handle: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// SQLite copies the bound bytes (`SQLITE_TRANSIENT`).
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { bindText(index, UnsafeRawBufferPointer($0)) }
    }

    /// Binds UTF-8 bytes as TEXT.
    func bindText(_ index: Int32, _ utf8: UnsafeRawBufferPointer) {
        // A zero-length TEXT still needs a non-null pointer, or SQLite binds NULL.
        let empty: StaticString = ""
        let base = utf8.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
        _ = sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
    }

    /// Advances to the next row: true when there is one, false when the statement is done.
    @inline(__always)
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let error = connection.error(rc, sql)
        sqlite3_reset(handle)
        throw error
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    @inline(__always)
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The column's TEXT bytes, valid until the next step or reset.
    @inline(__always)
    func text(_ column: Int32) -> UnsafeRawBufferPointer {
        let base = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeRawBufferPointer(start: base, count: count)
    }

    func string(_ column: Int32) -> String {
        String(decoding: text(column), as: UTF8.self)
    }
}
