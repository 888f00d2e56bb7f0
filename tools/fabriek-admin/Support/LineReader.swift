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

    /// Calls `body(lineNumber, bytes, offsetAfterLine)` for every line (1-based numbers; the
    /// final line may lack its newline). - Throws: `AdminError` when the file cannot be read, or
    /// what `body` throws.
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer, UInt64) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw AdminError.failure("cannot read \(path): \(String(cString: strerror(errno))); check the path")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var filled = 0, number = 0
        var consumed: UInt64 = 0
        var eof = false
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
                while start < filled {
                    let rest = filled - start
                    guard let nl = memchr(base + start, 0x0A, rest) else {
                        guard eof else { break }
                        number += 1
                        consumed += UInt64(rest)
                        try body(number, UnsafeRawBufferPointer(start: base + start, count: rest), consumed)
                        start = filled
                        break
                    }
                    let end = base.distance(to: UnsafeRawPointer(nl))
                    number += 1
                    consumed += UInt64(end - start + 1)
                    try body(number, UnsafeRawBufferPointer(start: base + start, count: end - start), consumed)
                    start = end + 1
                }
            }
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    if filled > start { memmove(raw.baseAddress!, raw.baseAddress! + start, filled - start) }
                }
                filled -= start
            }
        }
    }
}
