import EventLog
import Foundation
import GRDB

/// A consistent copy of a data directory taken while the source may be written: the committed
/// bytes of every segment as of one head, the key store (SQLite `VACUUM INTO`) and the master
/// key. The copy is then opened read-only and must verify up to the same head.
enum LogCopy {
    struct Result {
        var head: LogHead
        var segments: Int
        var bytes: Int
        var keys: Bool
    }

    /// Copies and verifies, then runs `check` on the copy; when any step fails the copy is
    /// removed (the destination was absent or empty, so nothing unverified, and no copy of the
    /// master key, is left behind) and the error says so.
    static func copyVerified(from source: DataDirectory, to destination: DataDirectory,
                             then check: (Result) throws -> Void = { _ in }) throws -> Result {
        let fm = FileManager.default
        let existed = fm.fileExists(atPath: destination.path)
        do {
            let result = try copy(from: source, to: destination)
            try check(result)
            return result
        } catch {
            if existed {
                for entry in (try? fm.contentsOfDirectory(atPath: destination.path)) ?? [] {
                    try? fm.removeItem(atPath: destination.path + "/" + entry)
                }
            } else {
                try? fm.removeItem(atPath: destination.path)
            }
            let left = ((try? fm.contentsOfDirectory(atPath: destination.path)) ?? []).isEmpty
                ? "the partial copy was removed from \(destination.path)"
                : "remove what is left in \(destination.path) by hand: it is not verified and may hold master.key"
            let message = (AdminError(mapping: error)?.message ?? "\(error)") + "; " + left
            throw AdminError(AdminError(mapping: error)?.code ?? .failure, message)
        }
    }

    private static func copy(from source: DataDirectory, to destination: DataDirectory) throws -> Result {
        let log = try source.openReadOnly()
        defer { try? log.close() }
        let files = try log.committedFiles()
        let fm = FileManager.default
        let segmentsDir = destination.logPath + "/segments"
        try fm.createDirectory(atPath: segmentsDir, withIntermediateDirectories: true)
        var bytes = 0
        for segment in files.segments {
            let target = segmentsDir + "/" + segment.name
            try copyPrefix(of: segment.path, length: segment.committedLength, to: target)
            bytes += segment.committedLength
        }
        var keys = false
        if fm.fileExists(atPath: source.keysPath) {
            let db = try DatabaseQueue(path: source.keysPath, configuration: { var c = Configuration(); c.readonly = true; return c }())
            try db.inDatabase { try $0.execute(sql: "VACUUM INTO ?", arguments: [destination.keysPath]) }
            try db.close()
            keys = true
        }
        if fm.fileExists(atPath: source.masterKeyPath) {
            try copyPrefix(of: source.masterKeyPath, length: nil, to: destination.masterKeyPath, mode: 0o600)
        }
        syncDirectory(segmentsDir)
        syncDirectory(destination.path)

        // The copy must open and verify to exactly the head it was taken at.
        let copy = try destination.openReadOnly()
        defer { try? copy.close() }
        guard copy.head() == files.head else {
            throw AdminError.failure("the copy in \(destination.path) ends at \(copy.head()), not at the source head \(files.head); remove it and try again")
        }
        let report = copy.verify()
        guard report.isIntact, report.verifiedHead == files.head else {
            let why = report.failure.map { "position \($0.position): \($0.reason)" } ?? "head \(report.verifiedHead)"
            throw AdminError.failure("the copy in \(destination.path) does not verify (\(why)); the source may be damaged: run 'log verify' on it")
        }
        return Result(head: files.head, segments: files.segments.count, bytes: bytes, keys: keys)
    }

    /// Copies the first `length` bytes (all when nil) of `source` to a new file, fsynced.
    static func copyPrefix(of source: String, length: Int?, to target: String, mode: mode_t = 0o644) throws {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw AdminError.failure("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard output >= 0 else { throw AdminError.failure("cannot create \(target): \(String(cString: strerror(errno))); the destination must not hold a copy already") }
        defer { close(output) }
        var remaining = length ?? Int.max
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while remaining > 0 {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, min($0.count, remaining)) }
            if n < 0 { throw AdminError.failure("reading \(source) failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, n - offset) }
                guard w > 0 else { throw AdminError.failure("writing \(target) failed: \(String(cString: strerror(errno))); check free space") }
                offset += w
            }
            remaining -= n
        }
        if let length, length != Int.max, remaining > 0 {
            throw AdminError.failure("\(source) is shorter than its committed length \(length)")
        }
        guard fsync(output) == 0 else { throw AdminError.failure("fsync of \(target) failed: \(String(cString: strerror(errno)))") }
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
