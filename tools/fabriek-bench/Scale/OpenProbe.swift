import EventLog
import Foundation

/// What a writer costs when it opens a large log, measured in a process of its own (the bench's
/// own process holds the whole workload in memory): `fabriek-bench --probe-open DIR` opens the
/// log in DIR as an application does (writable, background chain check on), appends one event
/// durably to a new stream (the first append after open: the one that used to read every event
/// id of the log), and prints one JSON line with the times and the process's memory after each
/// step; then waits for the background check to finish.
struct OpenProbe: Sendable, Equatable {
    var openMilliseconds: Double
    var firstAppendMilliseconds: Double
    var secondAppendMilliseconds: Double
    var afterOpen: ProcessMemory
    var afterFirstAppend: ProcessMemory
    /// Seconds from the end of the open until the background check finished; nil when it did
    /// not finish within the deadline.
    var backgroundCheckSeconds: Double?
    var afterBackgroundCheck: ProcessMemory

    static let backgroundCheckDeadline: Double = 900

    /// Runs the probe on the log in `directory` (in this process) and returns the figures.
    static func run(directory: String) async throws -> OpenProbe {
        var start = monotonicNanoseconds()
        let log = try EventLog.open(directory: directory)
        let openMilliseconds = Double(monotonicNanoseconds() &- start) / 1e6
        let opened = monotonicNanoseconds()
        let afterOpen = ProcessMemory.current()
        let stream = "scale-probe-\(UUID().uuidString.lowercased())"
        start = monotonicNanoseconds()
        _ = try await log.append(stream: stream, expectedVersion: .noStream,
                                 events: [ProposedEvent(type: "ScaleProbe", payload: Array("first".utf8))])
        let first = Double(monotonicNanoseconds() &- start) / 1e6
        let afterFirstAppend = ProcessMemory.current()
        start = monotonicNanoseconds()
        _ = try await log.append(stream: stream, expectedVersion: .exact(1),
                                 events: [ProposedEvent(type: "ScaleProbe", payload: Array("second".utf8))])
        let second = Double(monotonicNanoseconds() &- start) / 1e6
        var checkSeconds: Double?
        while secondsSince(opened) < backgroundCheckDeadline {
            if case .running = log.openVerification {
                try await Task.sleep(nanoseconds: 10_000_000)
                continue
            }
            checkSeconds = secondsSince(opened)
            break
        }
        if case .finished(let report) = log.openVerification, !report.isIntact {
            throw BenchCheckError(description: "probe: the background check of \(directory) failed: \(report)")
        }
        let afterCheck = ProcessMemory.current()
        try log.close()
        return OpenProbe(openMilliseconds: openMilliseconds, firstAppendMilliseconds: first,
                         secondAppendMilliseconds: second, afterOpen: afterOpen, afterFirstAppend: afterFirstAppend,
                         backgroundCheckSeconds: checkSeconds, afterBackgroundCheck: afterCheck)
    }

    /// One JSON object (one line).
    func json() throws -> Data {
        func memory(_ m: ProcessMemory) -> [String: Double] {
            ["rss_mb": m.resident, "rss_anon_mb": m.anonymous, "rss_file_mb": m.file, "peak_rss_mb": m.peak]
        }
        let object: [String: Any] = [
            "open_ms": openMilliseconds, "first_append_ms": firstAppendMilliseconds,
            "second_append_ms": secondAppendMilliseconds,
            "after_open": memory(afterOpen), "after_first_append": memory(afterFirstAppend),
            "background_check_s": backgroundCheckSeconds ?? NSNull(), "after_background_check": memory(afterBackgroundCheck),
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Parses `json()`'s output.
    init(json data: Data) throws {
        guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BenchCheckError(description: "probe: output is not a JSON object")
        }
        func number(_ key: String, in object: [String: Any]) throws -> Double {
            guard let v = object[key] as? Double ?? (object[key] as? NSNumber)?.doubleValue else {
                throw BenchCheckError(description: "probe: output has no number '\(key)'")
            }
            return v
        }
        func memory(_ key: String) throws -> ProcessMemory {
            guard let m = o[key] as? [String: Any] else { throw BenchCheckError(description: "probe: output has no '\(key)'") }
            return ProcessMemory(resident: try number("rss_mb", in: m), anonymous: try number("rss_anon_mb", in: m),
                                 file: try number("rss_file_mb", in: m), peak: try number("peak_rss_mb", in: m))
        }
        openMilliseconds = try number("open_ms", in: o)
        firstAppendMilliseconds = try number("first_append_ms", in: o)
        secondAppendMilliseconds = try number("second_append_ms", in: o)
        afterOpen = try memory("after_open")
        afterFirstAppend = try memory("after_first_append")
        backgroundCheckSeconds = try? number("background_check_s", in: o)
        afterBackgroundCheck = try memory("after_background_check")
    }

    init(openMilliseconds: Double, firstAppendMilliseconds: Double, secondAppendMilliseconds: Double,
         afterOpen: ProcessMemory, afterFirstAppend: ProcessMemory, backgroundCheckSeconds: Double?,
         afterBackgroundCheck: ProcessMemory) {
        self.openMilliseconds = openMilliseconds
        self.firstAppendMilliseconds = firstAppendMilliseconds
        self.secondAppendMilliseconds = secondAppendMilliseconds
        self.afterOpen = afterOpen
        self.afterFirstAppend = afterFirstAppend
        self.backgroundCheckSeconds = backgroundCheckSeconds
        self.afterBackgroundCheck = afterBackgroundCheck
    }

    /// Runs `executable --probe-open directory` and parses its last output line.
    static func inChildProcess(executable: String, directory: String) throws -> OpenProbe {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--probe-open", directory]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchCheckError(description: "probe: \(executable) --probe-open \(directory) exited with \(process.terminationStatus)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n"))
        guard let last = lines.last else { throw BenchCheckError(description: "probe: no output") }
        return try OpenProbe(json: Data(last))
    }
}
