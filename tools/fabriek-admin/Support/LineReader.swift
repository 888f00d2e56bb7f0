import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file line by line in bounded memory: 4 MiB chunks, each line handed to the caller
/// as a view of the chunk (valid only during the call). A line longer than a chunk grows the
/// buffer to hold it. Used by `import`, whose files may be far larger than memory.
struct LineReader {
    let path: String
    static let chunkSize = 4 << 20

    /// The file's size in bytes (for progress), nil when it cannot be read.
    var size: UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value
    }

    /// One line of a batch: its 1-based number, its bytes (valid only during the batch's call),
    /// the file offset after it (its newline included) and its first byte's (`line(at:)`).
    struct Line {
        var number: Int
        var bytes: UnsafeRawBufferPointer
        var offsetAfter: UInt64
        var offset: UInt64
    }

    /// Calls `body(lineNumber, bytes, offsetAfterLine)` for every line (1-based numbers; the
    /// final line may lack its newline). - Throws: `AdminError` when the file cannot be read, or
    /// what `body` throws.
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer, UInt64) throws -> Void) throws {
        try forEachBatch { lines in
            for line in lines { try body(line.number, line.bytes, line.offsetAfter) }
        }
    }

    /// Calls `body` with the lines of each chunk read (up to 4 MiB of lines at a time, in
    /// order), so a caller can work on many lines at once (e.g. parse them on several threads).
    /// The views are valid only during the call. - Throws: as `forEachLine`.
    func forEachBatch(_ body: ([Line]) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno))); check the path")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var filled = 0, number = 0
        var consumed: UInt64 = 0
        var eof = false
        var lines: [Line] = []
        while !eof || filled > 0 {
            if !eof {
                if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if n == 0 { eof = true } else { filled += n }
            }
            var start = 0
            try buffer.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                lines.removeAll(keepingCapacity: true)
                while start < filled {
                    let rest = filled - start
                    guard let nl = memchr(base + start, 0x0A, rest) else {
                        guard eof else { break }
                        number += 1
                        let offset = consumed
                        consumed += UInt64(rest)
                        lines.append(Line(number: number, bytes: UnsafeRawBufferPointer(start: base + start, count: rest),
                                          offsetAfter: consumed, offset: offset))
                        start = filled
                        break
                    }
                    let end = base.distance(to: UnsafeRawPointer(nl))
                    number += 1
                    let offset = consumed
                    consumed += UInt64(end - start + 1)
                    lines.append(Line(number: number, bytes: UnsafeRawBufferPointer(start: base + start, count: end - start),
                                      offsetAfter: consumed, offset: offset))
                    start = end + 1
                }
                if !lines.isEmpty { try body(lines) }
            }
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    if filled > start { memmove(raw.baseAddress!, raw.baseAddress! + start, filled - start) }
                }
                filled -= start
            }
        }
    }

    /// The bytes of the line starting at file offset `offset` (a `Line.offset`), without its
    /// newline. - Throws: `AdminError` when the file cannot be read.
    func line(at offset: UInt64) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno))); check the path")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var at = off_t(offset)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, at) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return out }
            if let nl = chunk[0..<n].firstIndex(of: 0x0A) {
                out.append(contentsOf: chunk[0..<nl])
                return out
            }
            out.append(contentsOf: chunk[0..<n])
            at += off_t(n)
        }
    }

    /// The 1-based number of the line starting at file offset `offset` (one read of the file up
    /// to it: for messages). - Throws: `AdminError` when the file cannot be read.
    func lineNumber(at offset: UInt64) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno))); check the path")
        }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var at: UInt64 = 0
        var lines = 1
        while at < offset {
            let want = Int(min(UInt64(chunk.count), offset - at))
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(at)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            lines += chunk[0..<n].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            at += UInt64(n)
        }
        return lines
    }
}
