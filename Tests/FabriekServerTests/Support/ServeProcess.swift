import Foundation
import Synchronization
import Testing

/// A `fabriek serve` child process (the real executable built next to the tests) on an
/// ephemeral loopback port: its standard output is read line by line on a thread of its own
/// (reading a pipe blocks), the address and demo tokens are taken from it.
// @unchecked: `Process` is not Sendable; it is only read (its id, whether it runs) after `run()`.
final class ServeProcess: @unchecked Sendable {
    let process: Process
    /// `http://127.0.0.1:PORT`.
    let base: String
    let port: Int
    private let lines: Lines

    final class Lines: Sendable {
        let value = Mutex<[String]>([])
    }

    static var executable: String? {
        let candidates = [Bundle.main.bundleURL, Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()]
        for dir in candidates {
            let path = dir.appendingPathComponent("fabriek").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    final class Marker {}

    /// Starts `fabriek serve --data DIR --port 0 EXTRA...` and returns once it printed its address.
    init(data: String, extra: [String] = []) async throws {
        let executable = try #require(Self.executable, "the fabriek executable is not next to the tests; build with `swift build --build-tests`")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data", data, "--port", "0"] + extra
        var env = ProcessInfo.processInfo.environment
        env["FABRIEK_LOG_LEVEL"] = "warning"
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let lines = Lines()
        let reader = LineReader(out.fileHandleForReading)
        let base: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var resumed = false
                while let line = reader.next() {
                    lines.value.withLock { $0.append(line) }
                    if !resumed, let r = line.range(of: "http://127.0.0.1:") {
                        continuation.resume(returning: "http://127.0.0.1:" + line[r.upperBound...].prefix { $0.isNumber })
                        resumed = true
                    }
                }
                if !resumed { continuation.resume(returning: nil) }
            }
        }
        guard let base else {
            if process.isRunning { process.terminate() }
            throw TestFailure("fabriek serve printed no address; it printed: \(lines.value.withLock { $0 })")
        }
        self.process = process
        self.base = base
        port = Int(base.split(separator: ":").last!)!
        self.lines = lines
    }

    /// Every line printed so far.
    var output: [String] { lines.value.withLock { $0 } }

    /// Sends `signal` and waits (up to `timeout`) for the process to exit.
    /// - Returns: the exit status, or nil when it was killed by a signal or still runs.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: Duration = .seconds(120)) async throws -> Int32? {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Reads lines from a pipe (blocking; used by one thread at a time).
final class LineReader: @unchecked Sendable {
    // @unchecked: used by one thread at a time.
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    func next() -> String? {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<i], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...i)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}

/// One HTTP/1.1 request on a raw loopback socket whose response is read as it streams (for
/// server-sent events; URLSession on Linux gives no streamed body). Blocking: use it from a
/// thread of its own.
final class RawHTTPStream: @unchecked Sendable {
    // @unchecked: the descriptor is used by one thread at a time.
    private let fd: Int32

    /// Connects to 127.0.0.1:`port` and sends `GET path` with `headers`.
    init(port: Int, path: String, headers: [String: String]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw TestFailure("connect to port \(port) failed: errno \(errno)") }
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            close(fd)
            throw TestFailure("writing the request failed: errno \(errno)")
        }
    }

    /// Reads until `needle` appeared in what was read; false when the peer closed first.
    func read(until needle: String) -> Bool {
        var seen = ""
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return false }
            seen += String(decoding: chunk[0..<n], as: UTF8.self)
            if seen.contains(needle) { return true }
        }
    }

    /// Reads until the peer closes the connection (true) or an error (false).
    func readToEnd() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return true }
            if n < 0 { return false }
        }
    }

    deinit { close(fd) }
}
