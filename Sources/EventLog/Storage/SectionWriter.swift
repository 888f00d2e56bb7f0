import CCRC32C
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one section of a file, in order, from its offset on, through a buffer of fixed size
/// (`pwrite` whenever it fills), and keeps the CRC-32C of the bytes written. The index files are
/// written this way straight to their temporary file: their working memory no longer grows with
/// the log (assembling a file of a 10M-event log in memory first cost ~100-200 MB of peak RSS
/// per checkpoint, and a copy of every byte).
final class SectionWriter {
    static let defaultBufferSize = 1 << 20

    private let fd: Int32
    private let path: String
    /// The section's offset in the file.
    let start: Int
    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    /// Bytes in the buffer.
    private var buffered = 0
    /// Bytes written to the file.
    private var flushed = 0
    /// The CRC-32C of the flushed bytes.
    private var flushedCRC: UInt32 = 0

    init(fd: Int32, path: String, start: Int, bufferSize: Int = SectionWriter.defaultBufferSize) {
        self.fd = fd
        self.path = path
        self.start = start
        capacity = max(bufferSize, 64)
        buffer = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// Bytes of the section so far.
    var count: Int { flushed &+ buffered }

    /// Writes the buffer out.
    func flush() throws(LogError) {
        guard buffered > 0 else { return }
        flushedCRC = fabriek_crc32c(flushedCRC, buffer, buffered)
        try FileIO.pwriteAll(fd, UnsafeRawBufferPointer(start: buffer, count: buffered), offset: start + flushed, path: path)
        flushed += buffered
        buffered = 0
    }

    /// Flushes and returns the section's CRC-32C and length.
    func finish() throws(LogError) -> (crc: UInt32, count: Int) {
        try flush()
        return (flushedCRC, flushed)
    }

    /// Makes room for `n` (at most the buffer's size) more bytes.
    @inline(__always)
    private func reserve(_ n: Int) throws(LogError) {
        if buffered &+ n > capacity { try flush() }
    }

    @inline(__always)
    func append(_ value: UInt32) throws(LogError) {
        try reserve(4)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: buffered, as: UInt32.self)
        buffered &+= 4
    }

    /// The low `bytes` (at most 8) bytes of `value`, little-endian.
    @inline(__always)
    func append(low value: UInt64, bytes: Int) throws(LogError) {
        try reserve(8)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: buffered, as: UInt64.self)
        buffered &+= bytes
    }

    @inline(__always)
    func appendVarint(_ value: UInt64) throws(LogError) {
        try reserve(Varint.maxSize)
        var v = value
        while v >= 0x80 {
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: buffered, as: UInt8.self)
            buffered &+= 1
            v >>= 7
        }
        buffer.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: buffered, as: UInt8.self)
        buffered &+= 1
    }

    func append(_ bytes: UnsafeRawPointer, count n: Int) throws(LogError) {
        var done = 0
        while done < n {
            if buffered == capacity { try flush() }
            let chunk = min(n - done, capacity - buffered)
            (buffer + buffered).copyMemory(from: bytes + done, byteCount: chunk)
            buffered += chunk
            done += chunk
        }
    }
}

/// CRC-32C of concatenations from the CRCs of their parts (zlib's `crc32_combine`, for the
/// Castagnoli polynomial): a file whose sections are written apart gets its body checksum
/// without reading them again.
enum CRC32C {
    /// The reflected Castagnoli polynomial.
    private static let polynomial: UInt32 = 0x82F6_3B78

    /// a(x) · b(x) modulo the polynomial (reflected bit order).
    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var m: UInt32 = 1 << 31
        var p: UInt32 = 0
        var b = b
        while true {
            if a & m != 0 {
                p ^= b
                if a & (m &- 1) == 0 { break }
            }
            m >>= 1
            b = b & 1 != 0 ? (b >> 1) ^ polynomial : b >> 1
        }
        return p
    }

    /// x^(2^k) modulo the polynomial, k = 0..<32.
    private static let powers: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 32)
        var p: UInt32 = 1 << 30  // x^1
        table[0] = p
        for k in 1..<32 {
            p = multiply(p, p)
            table[k] = p
        }
        return table
    }()

    /// x^(8 · bytes) modulo the polynomial.
    private static func shift(bytes: Int) -> UInt32 {
        var p: UInt32 = 1 << 31  // x^0
        var n = UInt64(bytes)
        var k = 3
        while n != 0 {
            if n & 1 != 0 { p = multiply(powers[k & 31], p) }
            n >>= 1
            k += 1
        }
        return p
    }

    /// The CRC-32C of `A ++ B` from `crc(A)`, `crc(B)` and the length of `B`.
    static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        multiply(shift(bytes: secondLength), first) ^ second
    }
}

extension FileIO {
    /// Drops this process's resident pages of a read-only file mapping at `base` between the
    /// byte offsets `from` and `to` (whole pages only; `from` moves up to where it stopped):
    /// what a reader has passed and will not read again. `MADV_DONTNEED` on a private mapping
    /// never written: touched again, the pages come back from the page cache.
    static func dropResidentPages(_ base: UnsafeRawPointer, from: inout Int, to: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = from / page * page, end = to / page * page
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, Int32(MADV_DONTNEED))
        from = end
    }

    /// The CRC-32C of `count` bytes of a read-only file mapping at `base` from `start`; with
    /// `dropping`, read 4 MiB at a time, each piece's pages dropped after (`dropResidentPages`).
    static func checksum(_ base: UnsafeRawPointer, from start: Int, count: Int, dropping: Bool) -> UInt32 {
        guard dropping else { return fabriek_crc32c(0, base + start, count) }
        var crc: UInt32 = 0
        var at = start, dropped = 0
        let end = start + count
        while at < end {
            let n = min(4 << 20, end - at)
            crc = fabriek_crc32c(crc, base + at, n)
            at += n
            dropResidentPages(base, from: &dropped, to: at)
        }
        return crc
    }

    /// Writes a file atomically through `write`, which gets the temporary file's descriptor and
    /// path and may write anywhere in it: temporary file, fdatasync, rename, fsync of the
    /// directory. A failure removes the temporary file; a crash leaves the old file or the new.
    static func writeFileAtomically(_ path: String, directory: String,
                                    write: (Int32, String) throws(LogError) -> Void) throws(LogError) {
        let tmp = try writeTemporary(path, write: write)
        try renameDurably(tmp, to: path, directory: directory)
    }

    /// Writes `path + ".tmp"` through `write` and makes it durable; returns its path. A failure
    /// removes it.
    static func writeTemporary(_ path: String, write: (Int32, String) throws(LogError) -> Void) throws(LogError) -> String {
        let tmp = path + ".tmp"
        let fd = try open(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        do throws(LogError) {
            try write(fd, tmp)
            try fdatasync(fd, path: tmp)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        return tmp
    }

    /// Renames a durable temporary file over `path`, then makes the rename durable.
    static func renameDurably(_ tmp: String, to path: String, directory: String) throws(LogError) {
        guard rename(tmp, path) == 0 else {
            let e = errno
            unlink(tmp)
            throw .io(operation: "rename", path: tmp, errno: e)
        }
        try fsyncDirectory(directory)
    }
}
