import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one projection's files live in the projections directory: `NAME.sqlite` (the file
/// that serves queries), `NAME.rebuild.sqlite` (a rebuild in progress, with its own checkpoint)
/// and `NAME.lock` (held by the owning runner).
struct ProjectionFiles: Sendable {
    let directory: String
    let name: String

    var main: String { "\(directory)/\(name).sqlite" }
    var rebuild: String { "\(directory)/\(name).rebuild.sqlite" }
    var lock: String { "\(directory)/\(name).lock" }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Removes a SQLite database and its WAL and shared-memory files.
    static func removeDatabase(_ path: String) throws {
        for p in [path, path + "-wal", path + "-shm"] where unlink(p) != 0 && errno != ENOENT {
            throw ProjectionError.io(operation: "unlink", path: p, errno: errno)
        }
    }

    /// Atomically replaces `to` with `from`, then makes the rename durable.
    static func replace(_ to: String, with from: String, directory: String) throws {
        guard rename(from, to) == 0 else { throw ProjectionError.io(operation: "rename", path: from, errno: errno) }
        let fd = open(directory, O_RDONLY)
        guard fd >= 0 else { throw ProjectionError.io(operation: "open", path: directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ProjectionError.io(operation: "fsync", path: directory, errno: errno) }
    }

    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ProjectionError.io(operation: "mkdir", path: path, errno: EACCES)
        }
    }
}
