import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where one projection's files live in the projections directory: `NAME.sqlite` (the file
/// that serves queries), `NAME.rebuild.sqlite` (a rebuild in progress, with its own checkpoint),
/// `NAME.unsynced` and `NAME.rebuild.unsynced` (present while the file holds writes not yet
/// fsynced: the serving file while it is built from nothing, the rebuild file until its swap)
/// and `NAME.lock` (held by the owning runner).
struct ProjectionFiles: Sendable {
    let directory: String
    let name: String

    /// The serving file, or the side-by-side rebuild file.
    enum File: Sendable {
        case main, rebuild
    }

    var main: String { "\(directory)/\(name).sqlite" }
    var rebuild: String { "\(directory)/\(name).rebuild.sqlite" }
    var lock: String { "\(directory)/\(name).lock" }

    func path(_ file: File) -> String {
        switch file {
        case .main: main
        case .rebuild: rebuild
        }
    }

    /// Written (and made durable) before `file` is written with `synchronous=OFF`; holds the
    /// boot id of the machine. Removed once the file is fsynced. A file whose marker names
    /// another boot may have lost writes in a power loss or OS crash and is discarded; after a
    /// mere process crash (same boot) it resumes from its checkpoint.
    func unsyncedMarker(_ file: File) -> String {
        switch file {
        case .main: "\(directory)/\(name).unsynced"
        case .rebuild: "\(directory)/\(name).rebuild.unsynced"
        }
    }

    /// Whether `file` is marked as holding unsynced writes (`unsyncedMarker`).
    func isUnsynced(_ file: File) -> Bool { Self.exists(unsyncedMarker(file)) }

    /// Whether `file` may hold writes lost by an OS crash: its marker exists and does not name
    /// the current boot (or the boot cannot be told).
    func mayBeDamaged(_ file: File) -> Bool {
        let marker = unsyncedMarker(file)
        guard Self.exists(marker) else { return false }
        guard let current = Self.bootID(),
              let written = try? String(contentsOfFile: marker, encoding: .utf8) else { return true }
        return written != current
    }

    /// Records that `file` is about to hold unsynced writes (see `unsyncedMarker`).
    func markUnsynced(_ file: File) throws {
        let marker = unsyncedMarker(file)
        let text = Self.bootID() ?? "unknown"
        let fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ProjectionError.io(operation: "open", path: marker, errno: errno) }
        defer { close(fd) }
        let written = text.withCString { write(fd, $0, strlen($0)) }
        guard written == text.utf8.count, fsync(fd) == 0 else {
            throw ProjectionError.io(operation: "write", path: marker, errno: errno)
        }
        try Self.syncDirectory(directory)
    }

    /// Removes the marker once `file` is fsynced (or gone).
    func clearUnsynced(_ file: File) throws {
        let marker = unsyncedMarker(file)
        if unlink(marker) != 0 && errno != ENOENT {
            throw ProjectionError.io(operation: "unlink", path: marker, errno: errno)
        }
    }

    /// The kernel's id of this boot (Linux), nil where there is none.
    static func bootID() -> String? {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

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
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY)
        guard fd >= 0 else { throw ProjectionError.io(operation: "open", path: directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw ProjectionError.io(operation: "fsync", path: directory, errno: errno) }
    }

    /// Creates the projections directory (and its parents) unless it exists.
    /// - Throws: `ProjectionError.io` with the real errno: `ENOTDIR` when `path` (or a parent)
    ///   is not a directory, `EACCES` when it cannot be created.
    static func makeDirectory(_ path: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw ProjectionError.io(operation: "use as the projections directory", path: path, errno: ENOTDIR)
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path && !exists(parent) { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw ProjectionError.io(operation: "mkdir", path: path, errno: errno)
        }
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw ProjectionError.io(operation: "use as the projections directory", path: path, errno: ENOTDIR)
        }
    }
}
