import CSQLite
import Foundation
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
            throw stepFailure(code)
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

        /// Binds `value` as its lowercase text (`String(id:)`), formatted on the stack.
        @inlinable public func id(_ index: Int32, _ value: UUID) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: UUIDText.count) { buffer in
                UUIDText.write(value, into: buffer.baseAddress!)
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: UUIDText.count) { text in
                    _ = sqlite3_bind_text(statement, index, text, Int32(UUIDText.count), SQLITE_TRANSIENT_BIND)
                }
            }
        }

        @inlinable public func id(_ index: Int32, _ value: UUID?) {
            if let value { id(index, value) } else { _ = sqlite3_bind_null(statement, index) }
        }

        /// Binds `value` as a BLOB (an empty one when `value` is empty, never NULL).
        @inlinable public func blob(_ index: Int32, _ value: [UInt8]) {
            if value.isEmpty {
                _ = sqlite3_bind_zeroblob(statement, index, 0)
                return
            }
            value.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), SQLITE_TRANSIENT_BIND)
            }
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
            throw stepFailure(code)
        }
        return nil
    }
}

extension Statement {
    /// Runs this prepared statement (a query, or a change with `RETURNING`) with `bind` setting
    /// its parameters and returns the first column of its first row as an integer (nil when
    /// there is no row or the value is NULL); the same fast path as `run(_:)`. Steps it to the
    /// end, so that a change is complete whatever rows it returns.
    @inlinable
    public func firstInt(_ bind: (Binder) -> Void) throws -> Int64? {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        bind(Binder(statement: statement))
        var value: Int64?
        var code = sqlite3_step(statement)
        if code == SQLITE_ROW, sqlite3_column_type(statement, 0) != SQLITE_NULL {
            value = sqlite3_column_int64(statement, 0)
        }
        while code == SQLITE_ROW { code = sqlite3_step(statement) }
        if code == SQLITE_DONE { return value }
        throw stepFailure(code)
    }
}

extension Statement {
    /// The error of a failed `sqlite3_step` (SQLite's code and message, naming the statement);
    /// resets the statement.
    @usableFromInline func stepFailure(_ code: Int32) -> DatabaseError {
        let statement = sqliteStatement
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement)))
        sqlite3_reset(statement)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
