import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `eventlog-crash-child` executable (Tests/EventLogCrashChild) run as a separate process,
/// with its standard output read line by line and its standard error kept in a file for failure
/// messages.
final class ChildProcess {
    let process = Process()
    private let output = Pipe()
    private let stderrPath: String
    private var buffer: [UInt8] = []
    private(set) var reachedEOF = false

    /// The child executable, built next to the test bundle by `swift build --build-tests`.
    static func executable() -> URL? {
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for start in candidates {
            var dir = start
            for _ in 0..<4 {
                let child = dir.appendingPathComponent("eventlog-crash-child")
                if FileManager.default.isExecutableFile(atPath: child.path) { return child }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }

    init(executable: URL, arguments: [String], stderrPath: String, environment: [String: String] = [:]) throws {
        self.stderrPath = stderrPath
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The parent's copy of the write end must go, or EOF never arrives.
        try? output.fileHandleForWriting.close()
    }

    var pid: pid_t { process.processIdentifier }

    /// The next line of the child's output, without the newline; nil at end of output or when
    /// nothing arrived for `timeout` seconds (then `reachedEOF` is false).
    func readLine(timeout: Double) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            if reachedEOF { return nil }
            let fd = output.fileHandleForReading.fileDescriptor
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(timeout * 1000))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return nil }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                reachedEOF = true
                if !buffer.isEmpty {
                    // A last line without newline was cut off by the kill: not an acknowledgement.
                    buffer.removeAll()
                }
                return nil
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// All remaining complete lines up to end of output (used after a kill or a normal exit).
    func readRemainingLines(timeout: Double) -> [String] {
        var lines: [String] = []
        while let line = readLine(timeout: timeout) { lines.append(line) }
        return lines
    }

    func kill9() {
        if process.isRunning { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Waits for the child to exit and returns its termination status.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    var wasKilledBySignal: Bool { process.terminationReason == .uncaughtSignal }

    var standardError: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }
}

/// One `ACK <position> <eventID>` line of the child: an append returned for this event.
struct Acknowledgement: Hashable {
    var position: UInt64
    var id: UUID

    init?(line: String) {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "ACK", let p = UInt64(parts[1]), let id = UUID(uuidString: String(parts[2])) else {
            return nil
        }
        position = p
        self.id = id
    }
}

/// What one run of the child printed and how it ended.
struct ChildRun: Sendable {
    var lines: [String] = []
    /// The child printed fewer ACK lines than asked for before it ended or went silent.
    var stoppedEarly = false
    var killedBySignal = false
    var exitStatus: Int32 = 0
    var standardError = ""

    var acknowledgements: [Acknowledgement] { lines.compactMap(Acknowledgement.init(line:)) }
}

extension ChildProcess {
    /// Runs the child to its end on a dedicated thread (its blocking reads stay off the Swift
    /// concurrency pool). With `killAfterAcks`, sends SIGKILL `delayMicroseconds` after the child
    /// printed that many ACK lines, then collects what it printed before dying. `silence` bounds
    /// the wait for each line, turning a hung child into a failure.
    static func run(executable: URL, arguments: [String], stderrPath: String, environment: [String: String] = [:],
                    killAfterAcks: Int? = nil, delayMicroseconds: UInt32 = 0, silence: Double = 60) async throws -> ChildRun {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ChildRun, any Error>) in
            let thread = Thread {
                do {
                    let child = try ChildProcess(executable: executable, arguments: arguments, stderrPath: stderrPath,
                                                 environment: environment)
                    var run = ChildRun()
                    var acks = 0
                    while killAfterAcks.map({ acks < $0 }) ?? true {
                        guard let line = child.readLine(timeout: silence) else { break }
                        run.lines.append(line)
                        if line.hasPrefix("ACK ") { acks += 1 }
                    }
                    if let target = killAfterAcks {
                        run.stoppedEarly = acks < target
                        if !run.stoppedEarly { usleep(delayMicroseconds) }
                    } else {
                        run.stoppedEarly = !child.reachedEOF
                    }
                    if run.stoppedEarly || killAfterAcks != nil {
                        child.kill9()
                        run.lines += child.readRemainingLines(timeout: silence)
                    }
                    run.exitStatus = child.waitForExit()
                    run.killedBySignal = child.wasKilledBySignal
                    run.standardError = child.standardError
                    continuation.resume(returning: run)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}
