import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc's malloc arenas. `import` parses lines on worker threads and frees them on its own:
/// with an arena per thread, memory freed into a worker's arena stays resident beside the main
/// one (~13 MB more peak RSS at 200,000 lines); with one arena it is reused.
enum MallocArenas {
    /// Limits the process to one malloc arena (`mallopt(M_ARENA_MAX, 1)`); does nothing where
    /// glibc's `mallopt` is absent. Call first in `main`: a thread that has
    /// allocated already keeps its own arena.
    static func limitToOne() {
        #if canImport(Glibc)
        // `mallopt` is not in the Glibc module (malloc.h): look it up. M_ARENA_MAX is -8.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 1)
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
