#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The disk's raw durable-append rate: the ceiling for one-commit-at-a-time durable appends.
enum FsyncProbe {
    /// Appends 4 KiB with `write` + `fdatasync` `count` times to a new file in `directory`
    /// (removed afterwards) and returns the rate in appends per second. Throws `BenchFileError`
    /// naming the failing call.
    static func appendsPerSecond(directory: String, count: Int = 2_000) throws -> Double {
        let path = directory + "/fdatasync-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        guard fd >= 0 else { throw BenchFileError(description: "open \(path): errno \(errno)") }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        let start = monotonicNanoseconds()
        for _ in 0..<count {
            let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == block.count else { throw BenchFileError(description: "write \(path): errno \(errno)") }
            guard fdatasync(fd) == 0 else { throw BenchFileError(description: "fdatasync \(path): errno \(errno)") }
        }
        return Double(count) / secondsSince(start)
    }

    /// The same loop into a file that was zero-filled and synced beforehand, so that no write
    /// changes the file's size (what a pre-allocating log or a recycled WAL gets). Informational.
    static func overwritesPerSecond(directory: String, count: Int = 2_000) throws -> Double {
        let path = directory + "/fdatasync-probe-prezeroed"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw BenchFileError(description: "open \(path): errno \(errno)") }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        while filled < count * block.count {
            let written = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(filled)) }
            guard written == zeros.count else { throw BenchFileError(description: "write \(path): errno \(errno)") }
            filled += written
        }
        guard fsync(fd) == 0 else { throw BenchFileError(description: "fsync \(path): errno \(errno)") }
        let start = monotonicNanoseconds()
        for i in 0..<count {
            let written = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(i * block.count)) }
            guard written == block.count else { throw BenchFileError(description: "write \(path): errno \(errno)") }
            guard fdatasync(fd) == 0 else { throw BenchFileError(description: "fdatasync \(path): errno \(errno)") }
        }
        return Double(count) / secondsSince(start)
    }
}
