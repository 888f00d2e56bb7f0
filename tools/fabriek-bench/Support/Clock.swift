#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic time in nanoseconds, for timing phases. Cheap (a vDSO call).
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time of the calling thread in nanoseconds: for timing single-threaded code on a shared
/// machine.
@inline(__always)
func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Wall-clock time in microseconds since the Unix epoch (the baseline's `recorded_at`).
@inline(__always)
func wallClockMicroseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) &* 1_000_000 &+ Int64(ts.tv_nsec / 1_000)
}

/// Seconds elapsed since `start` (a `monotonicNanoseconds()` value).
@inline(__always)
func secondsSince(_ start: UInt64) -> Double {
    Double(monotonicNanoseconds() &- start) / 1e9
}

/// CPU time (user, system) this process has used so far, in seconds, all threads.
func processCPUSeconds() -> (user: Double, system: Double) {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return (seconds(usage.ru_utime), seconds(usage.ru_stime))
}

/// Wall and CPU time of a stretch of work: shows whether the process got the cores it asked for
/// (the bench shares its machine).
struct PhaseTimer {
    private let wallStart = monotonicNanoseconds()
    private let cpuStart = processCPUSeconds()

    var wallSeconds: Double { secondsSince(wallStart) }
    /// User + system CPU seconds since the start.
    var cpuSeconds: Double { let (u, s) = cpuSplit; return u + s }
    var cpuSplit: (user: Double, system: Double) {
        let now = processCPUSeconds()
        return (now.user - cpuStart.user, now.system - cpuStart.system)
    }
    /// `cpu N ms (user U, system S)`.
    var cpuDescription: String {
        let (u, s) = cpuSplit
        func ms(_ x: Double) -> String { Report.format(x * 1000, 0) }
        return "cpu \(ms(u + s)) ms (user \(ms(u)), system \(ms(s)))"
    }
}

/// Keeps a computed value alive so the optimiser cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Latency samples in microseconds.
struct LatencySamples {
    private(set) var values: [Double] = []

    mutating func record(nanoseconds: UInt64) { values.append(Double(nanoseconds) / 1_000) }

    /// Nearest-rank percentile, `p` in 0...1; nil when there are no samples.
    func percentile(_ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var mean: Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
}
