import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A projection file that could not be used when its runner opened it, and where it went.
///
/// Projection files are derived data: an unusable one is never deleted and never trusted; it
/// is renamed to `NAME.damaged-TIMESTAMP` (its `-wal`/`-shm` beside it) and the projection is
/// built again from the log.
public struct DamagedProjectionFile: Sendable, Hashable, CustomStringConvertible {
    public var projection: String
    /// The file as it was found.
    public var path: String
    /// Where it was moved.
    public var movedTo: String
    /// Why it could not be used (SQLite's error, the failed check).
    public var reason: String

    public var description: String {
        "projection '\(projection)': \(path) cannot be used (\(reason)); moved aside to \(movedTo), the projection is rebuilt from the log"
    }
}

/// Checks a projection file before the runner trusts it, and moves unusable ones aside.
enum ProjectionFileCheck {
    /// Stored in every projection file's header (`PRAGMA application_id`): "FbPj".
    static let applicationID: Int32 = 0x4662_506A

    /// Why the existing file at `path` cannot serve projection `name`, or nil when it can (or
    /// holds nothing at all: a new, empty database is initialised in place).
    ///
    /// The file must open, pass `PRAGMA quick_check`, carry this module's application id (or
    /// none, as files written before the id existed) and hold the `projection_meta` row of
    /// `name`.
    static func problem(path: String, projection name: String) -> String? {
        var db: OpaquePointer?
        defer { sqlite3_close_v2(db) }
        var rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil)
        guard rc == SQLITE_OK else { return "SQLite cannot open it: \(message(db, rc))" }
        sqlite3_busy_timeout(db, 5000)
        enum Answer { case success(String?), failure(String) }
        func scalar(_ sql: String) -> Answer {
            var stmt: OpaquePointer?
            rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
            defer { sqlite3_finalize(stmt) }
            guard rc == SQLITE_OK else { return .failure(message(db, rc)) }
            rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return .success(nil) }
            guard rc == SQLITE_ROW else { return .failure(message(db, rc)) }
            return .success(sqlite3_column_text(stmt, 0).map { String(cString: $0) })
        }
        switch scalar("PRAGMA quick_check") {
        case .failure(let m): return "not a readable SQLite database: \(m)"
        case .success(let result):
            guard result == "ok" else { return "PRAGMA quick_check failed: \(oneLine(result ?? "no result"))" }
        }
        switch scalar("PRAGMA application_id") {
        case .failure(let m): return "its header cannot be read: \(m)"
        case .success(let id):
            let value = Int32(id ?? "0") ?? -1
            guard value == 0 || value == applicationID else {
                return "application_id \(id ?? "?") is not a Fabriek projection's (\(applicationID))"
            }
        }
        switch scalar("SELECT count(*) FROM sqlite_master") {
        case .failure(let m): return "its schema cannot be read: \(m)"
        case .success(let count):
            if count == "0" { return nil }
        }
        switch scalar("SELECT name FROM \(ProjectionMetadata.table) WHERE id = 1") {
        case .failure(let m): return "no projection metadata (\(m))"
        case .success(nil): return "its projection metadata row is missing"
        case .success(let owner?):
            guard owner == name else { return "it belongs to projection '\(owner)'" }
            return nil
        }
    }

    /// SQLite's multi-line findings on one line, at most about 200 characters.
    private static func oneLine(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let joined = lines.joined(separator: "; ")
        return joined.count <= 200 ? joined : String(joined.prefix(200)) + "… (\(lines.count) findings)"
    }

    private static func message(_ db: OpaquePointer?, _ rc: Int32) -> String {
        let text = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return "\(text) (SQLite \(rc))"
    }

    /// Renames `path` (and its `-wal`/`-shm`) to `DIRECTORY/NAME.damaged-TIMESTAMP` (with a
    /// counter when that exists), makes the renames durable, and returns the new path.
    /// - Throws: `ProjectionError.io` naming the file when a rename fails.
    static func moveAside(_ path: String, label: String, directory: String, now: Date = Date()) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: now)
        var target = "\(directory)/\(label).damaged-\(stamp)"
        var n = 1
        while ProjectionFiles.exists(target) {
            n += 1
            target = "\(directory)/\(label).damaged-\(stamp)-\(n)"
        }
        for suffix in ["-wal", "-shm"] where ProjectionFiles.exists(path + suffix) {
            guard rename(path + suffix, target + suffix) == 0 else {
                throw ProjectionError.io(operation: "rename (moving a damaged file aside)", path: path + suffix, errno: errno)
            }
        }
        guard rename(path, target) == 0 else {
            throw ProjectionError.io(operation: "rename (moving a damaged file aside)", path: path, errno: errno)
        }
        try ProjectionFiles.syncDirectory(directory)
        return target
    }
}
