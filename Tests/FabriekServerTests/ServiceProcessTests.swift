import EventLog
import Fabriek
import FabriekServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The `fabriek serve` process: it serves, and on SIGTERM stops accepting, closes the log with
/// its index persisted and exits 0.
@Suite(.serialized) struct ServiceProcessTests {
    static var executable: String? {
        let candidates = [Bundle.main.bundleURL, Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()]
        for dir in candidates {
            let path = dir.appendingPathComponent("fabriek").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    final class Marker {}

    @Test("given a running fabriek serve, when a command is written and SIGTERM arrives, then it exits 0 with the log closed and its index persisted")
    func gracefulShutdown() async throws {
        let executable = try #require(Self.executable, "the fabriek executable is not next to the tests; build with `swift build --build-tests`")
        let dir = NSTemporaryDirectory() + "fabriek-serve-\(UUID().uuidString.lowercased())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let token = try TokenStore(path: DataLayout(path: dir).tokensPath).issue(name: "ops", role: .coordinator, memberId: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data", dir, "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // a line names the port (read on a thread of its own: reading a pipe blocks)
        let reader = LineReader(out.fileHandleForReading)
        let base: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                while let line = reader.next() {
                    if let r = line.range(of: "http://127.0.0.1:") {
                        continuation.resume(returning: "http://127.0.0.1:" + line[r.upperBound...].prefix { $0.isNumber })
                        return
                    }
                }
                continuation.resume(returning: nil)
            }
        }
        let url = try #require(base, "fabriek serve printed no address")

        var request = URLRequest(url: URL(string: url + "/api/v1/members")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(ServerHarness.registration(UUID(), kvk: "44556677").utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)

        kill(process.processIdentifier, SIGTERM)
        let exitDeadline = ContinuousClock.now + .seconds(60)
        while process.isRunning && ContinuousClock.now < exitDeadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/log/index/streams.idx"), "the stream index was not persisted at close")
        let log = try EventLog.open(directory: dir + "/log", options: .init(readOnly: true))
        #expect(log.head().position == 1)
        try log.close()
    }
}

/// Reads lines from a pipe (blocking; the test runs it off the cooperative pool's critical path).
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
