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
