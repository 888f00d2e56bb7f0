import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc settings for the admin tool's threads (an import parses on worker threads,
/// checks on one, writes on another and frees on a fourth).
enum MallocArenas {
    /// Arenas at most (`M_ARENA_MAX`): one per thread that allocates, so that threads do not
    /// wait for each other's lock. With a single arena, the import of 1,001,000 lines spent ~1 s
    /// of its CPU on that lock's futex and switched threads 65,000-130,000 times; with eight,
    /// ~25,000. A worker's arena keeps the pages freed into it (peak RSS of that import 254 →
    /// ~260 MB; the import's memory budget counts them, as it counts everything resident).
    static let arenas: Int32 = 8
    /// Buffers from this size up are mapped on their own (`M_MMAP_THRESHOLD`) and unmapped when
    /// freed. Fixed (glibc would otherwise raise it to the size of each mapped buffer freed, up
    /// to 32 MiB, and the holes such buffers leave in the heap stay resident), at 1 MiB rather
    /// than the default 128 KiB: a parsed sub-batch, a chunk of commits and the writer's encoded
    /// blocks are a few hundred KiB, and mapping each afresh cost ~500,000 page faults (zeroed
    /// pages, ~2 s of system time) in that import; from the heap they are reused.
    static let mmapThreshold: Int32 = 1 << 20

    /// Sets `arenas` (`mallopt(M_ARENA_MAX)`) and `mmapThreshold` (`M_MMAP_THRESHOLD`); does
    /// nothing where glibc's `mallopt` is absent. Call first in `main`: a thread that has
    /// allocated already keeps its arena.
    static func configure() {
        #if canImport(Glibc)
        // `mallopt` is not in the Glibc module (malloc.h): look it up. M_ARENA_MAX is -8,
        // M_MMAP_THRESHOLD -3.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-8, arenas)
        _ = mallopt(-3, mmapThreshold)
        #endif
    }
}

extension MallocArenas {
    /// Returns the free pages of the malloc heap to the system (`malloc_trim(0)`), e.g. after
    /// a phase's structures were freed; does nothing where glibc's `malloc_trim` is absent.
    static func trim() {
        #if canImport(Glibc)
        typealias MallocTrim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }

    /// With `FABRIEK_MEMORY_TRACE` set: writes `label`, the process's resident anonymous and
    /// file-backed memory (/proc/self/status) and glibc's `malloc_stats` to standard error.
    static func trace(_ label: String) {
        guard getenv("FABRIEK_MEMORY_TRACE") != nil else { return }
        #if canImport(Glibc)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").filter { $0.hasPrefix("Rss") || $0.hasPrefix("VmHWM") || $0.hasPrefix("VmRSS") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        FileHandle.standardError.write(Data("memory \(label): \(rss.joined(separator: ", "))\n".utf8))
        typealias MallocStats = @convention(c) () -> Void
        if let symbol = dlsym(nil, "malloc_stats") { unsafeBitCast(symbol, to: MallocStats.self)() }
        #endif
    }
}

extension MallocArenas {
    /// The process's resident memory (`/proc/self/statm`: anonymous and file-backed pages), nil
    /// where it cannot be read.
    static func residentBytes() -> Int? {
        #if canImport(Glibc)
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        // "size resident shared text lib data dt", in pages.
        let fields = buffer[..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }
}

extension MallocArenas {
    /// Resident kB of the process's mappings (/proc/self/smaps): the malloc heap (`[heap]`),
    /// other anonymous mappings (large buffers, thread stacks), and files; nil when unreadable.
    static func residentByKind() -> (heap: Int, anonymous: Int, files: Int)? {
        // Read to the end (the file reports no size, and a read returns a page or so at a time).
        let fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk[..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var heap = 0, anonymous = 0, files = 0
        var kind = 0
        for line in text.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                kind = fields.count < 6 ? 1 : fields[5] == "[heap]" ? 0 : fields[5].hasPrefix("/") ? 2 : 1
            } else if line.hasPrefix("Rss:") {
                let kB = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
                switch kind {
                case 0: heap += kB
                case 1: anonymous += kB
                default: files += kB
                }
            }
        }
        return (heap, anonymous, files)
    }
}
