import CSQLite
import GRDB

extension Statement {
    /// Runs this prepared statement (an INSERT, UPDATE or DELETE) with `bind` setting its
    /// parameters straight on the SQLite statement: no argument array, no boxing, none of GRDB's
    /// per-execution bookkeeping (observation, region tracking). For `apply` and `finishBatch`
    /// inside the runner's transaction, on a file without GRDB observers, where a statement runs
    /// hundreds of thousands of times; elsewhere use `execute(arguments:)`.
    ///
    /// - Throws: `DatabaseError` with SQLite's code and message, naming the statement.
    @inlinable
    public func run(_ bind: (Binder) -> Void) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        bind(Binder(statement: statement))
        var code = sqlite3_step(statement)
        while code == SQLITE_ROW { code = sqlite3_step(statement) }
        if code != SQLITE_DONE {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement)))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }

    /// Sets parameters by index (1-based, as in SQL's `?1`); text is copied by SQLite.
    public struct Binder {
        @usableFromInline let statement: SQLiteStatement

        @usableFromInline init(statement: SQLiteStatement) { self.statement = statement }

        @inlinable public func text(_ index: Int32, _ value: String) {
            value.withCString { text in
                _ = sqlite3_bind_text(statement, index, text, Int32(value.utf8.count), SQLITE_TRANSIENT_BIND)
            }
        }

        @inlinable public func text(_ index: Int32, _ value: String?) {
            if let value { text(index, value) } else { _ = sqlite3_bind_null(statement, index) }
        }

        @inlinable public func int(_ index: Int32, _ value: Int64) {
            _ = sqlite3_bind_int64(statement, index, value)
        }

        @inlinable public func int(_ index: Int32, _ value: Int64?) {
            if let value { int(index, value) } else { _ = sqlite3_bind_null(statement, index) }
        }
    }
}

/// SQLite's `SQLITE_TRANSIENT` (the destructor value -1: SQLite copies the bytes), which the C
/// macro does not bring into Swift.
@usableFromInline let SQLITE_TRANSIENT_BIND = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

extension Statement {
    /// Runs this prepared query with `bind` setting its parameters and returns the first
    /// column of its first row as text (nil when there is no row or the value is NULL); the
    /// same fast path as `run(_:)`.
    @inlinable
    public func firstText(_ bind: (Binder) -> Void) throws -> String? {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        bind(Binder(statement: statement))
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW {
            guard let text = sqlite3_column_text(statement, 0) else { return nil }
            let value = String(cString: text)
            sqlite3_reset(statement)
            return value
        }
        if code != SQLITE_DONE {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement)))
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        return nil
    }
}
