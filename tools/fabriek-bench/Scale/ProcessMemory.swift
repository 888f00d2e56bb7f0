import Foundation

/// The calling process's memory from `/proc/self/status` (Linux), in MiB.
///
/// `anonymous` (`RssAnon`) is the process's own heap and stacks: what a writer costs in memory.
/// `file` (`RssFile`) counts the pages of mapped files (segments, index files) that are resident;
/// they belong to the page cache, which the kernel reclaims under pressure. `peak` is `VmHWM`.
struct ProcessMemory: Sendable, Equatable {
    var resident: Double
    var anonymous: Double
    var file: Double
    var peak: Double

    /// Reads the current figures; zeros where the file or a field is missing (not Linux).
    static func current() -> ProcessMemory {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return ProcessMemory(resident: 0, anonymous: 0, file: 0, peak: 0)
        }
        var fields: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            // "VmRSS:\t   1234 kB": a tab, then spaces.
            let value = parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Double($0) }
            if let value { fields[String(parts[0])] = value / 1024 }  // kB → MiB
        }
        return ProcessMemory(resident: fields["VmRSS"] ?? 0, anonymous: fields["RssAnon"] ?? 0,
                             file: fields["RssFile"] ?? 0, peak: fields["VmHWM"] ?? 0)
    }
}
