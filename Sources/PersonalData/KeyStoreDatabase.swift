import CSQLite
import EventLog
import Foundation

/// The SQLite file `keys.sqlite` that holds each data subject's wrapped key:
/// `subject_keys(subject BLOB PRIMARY KEY, wrapped_key BLOB, created_at INTEGER, destroyed_at INTEGER)`.
///
/// Times are µs since the epoch. A destroyed key keeps its row (so an erased subject is known as
/// erased) with `wrapped_key` NULL; `secure_delete` is on and the file is vacuumed after each
/// destruction, so the key bytes do not remain in the file. Not thread-safe: the vault
/// serialises access.
final class KeyStoreDatabase {
    private var db: OpaquePointer?
    let path: String

    enum Row { case absent, active(wrappedKey: [UInt8]), destroyed }

    init(path: String) throws {
        self.path = path
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        db = handle
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            db = nil
            throw VaultError.keyStore(operation: "open \(path)", code: rc, message: message)
        }
        try exec("""
            PRAGMA secure_delete = ON;
            PRAGMA journal_mode = DELETE;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS subject_keys(
                subject BLOB PRIMARY KEY,
                wrapped_key BLOB,
                created_at INTEGER NOT NULL,
                destroyed_at INTEGER
            );
            """)
    }

    deinit { sqlite3_close(db) }

    func exec(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw VaultError.keyStore(operation: sql.split(separator: "\n").first.map(String.init) ?? sql,
                                      code: rc, message: message)
        }
    }

    func row(subject: UUID) throws -> Row {
        try withStatement("SELECT wrapped_key, destroyed_at FROM subject_keys WHERE subject = ?1") { stmt in
            bind(subject, at: 1, in: stmt)
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return .absent }
            guard rc == SQLITE_ROW else { throw failure("select", rc) }
            if sqlite3_column_type(stmt, 1) != SQLITE_NULL || sqlite3_column_type(stmt, 0) == SQLITE_NULL {
                return .destroyed
            }
            let n = Int(sqlite3_column_bytes(stmt, 0))
            guard let p = sqlite3_column_blob(stmt, 0) else { return .destroyed }
            return .active(wrappedKey: [UInt8](UnsafeRawBufferPointer(start: p, count: n)))
        }
    }

    func insert(subject: UUID, wrappedKey: [UInt8], createdAt: Timestamp) throws {
        try withStatement("INSERT INTO subject_keys(subject, wrapped_key, created_at) VALUES (?1, ?2, ?3)") { stmt in
            bind(subject, at: 1, in: stmt)
            _ = wrappedKey.withUnsafeBytes { sqlite3_bind_blob(stmt, 2, $0.baseAddress, Int32($0.count), transient) }
            sqlite3_bind_int64(stmt, 3, createdAt.microsecondsSinceEpoch)
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else { throw failure("insert", rc) }
        }
    }

    /// The subjects whose key is still held (not destroyed).
    func activeSubjects() throws -> [UUID] {
        try withStatement("SELECT subject FROM subject_keys WHERE wrapped_key IS NOT NULL AND destroyed_at IS NULL") { stmt in
            var out: [UUID] = []
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { return out }
                guard rc == SQLITE_ROW else { throw failure("select", rc) }
                guard sqlite3_column_bytes(stmt, 0) == 16, let p = sqlite3_column_blob(stmt, 0) else { continue }
                let b = UnsafeRawBufferPointer(start: p, count: 16)
                out.append(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                                       b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
            }
        }
    }

    /// Destroys the subject's key (or records a tombstone when it had none), then vacuums.
    func destroy(subject: UUID, at time: Timestamp) throws {
        try withStatement("""
            INSERT INTO subject_keys(subject, wrapped_key, created_at, destroyed_at) VALUES (?1, NULL, ?2, ?2)
            ON CONFLICT(subject) DO UPDATE SET wrapped_key = NULL, destroyed_at = excluded.destroyed_at
            """) { stmt in
            bind(subject, at: 1, in: stmt)
            sqlite3_bind_int64(stmt, 2, time.microsecondsSinceEpoch)
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else { throw failure("erase", rc) }
        }
        try exec("VACUUM;")
    }

    private var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }

    private func bind(_ subject: UUID, at index: Int32, in stmt: OpaquePointer?) {
        withUnsafeBytes(of: subject.uuid) { _ = sqlite3_bind_blob(stmt, index, $0.baseAddress, 16, transient) }
    }

    private func failure(_ operation: String, _ rc: Int32) -> VaultError {
        VaultError.keyStore(operation: operation, code: rc, message: String(cString: sqlite3_errmsg(db)))
    }

    private func withStatement<T>(_ sql: String, _ body: (OpaquePointer?) throws -> T) throws -> T {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK else { throw failure("prepare", rc) }
        defer { sqlite3_finalize(stmt) }
        return try body(stmt)
    }
}
