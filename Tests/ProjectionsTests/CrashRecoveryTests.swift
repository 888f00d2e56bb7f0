import EventLog
import Foundation
import Testing
@testable import Projections

/// A real crash: a child process runs the runner and is killed with SIGKILL mid-batch; the
/// parent resumes and checks that every event was applied exactly once.
@Suite struct CrashRecoveryTests {
    @Test func givenRunnerKilledMidCatchUp_whenResumed_thenEveryEventIsAppliedExactlyOnce() async throws {
        let store = TestStore()
        defer { store.remove() }
        var log = try store.openLog()
        let head = try await appendEvents(log, count: 40_000, perAppend: 1000)
        try log.close()

        let first = try await runChildAndKill(store, version: 1, batchSize: 100, killAt: 3_000)
        let second = try await runChildAndKill(store, version: 1, batchSize: 100, killAt: first + 5_000)
        #expect(second >= first)

        log = try store.openLog(readOnly: true)
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector()], options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        let status = try runner.status(of: "stream-counts")
        #expect(status.position >= second)
        #expect(status.position < head, "the child was killed before it finished")
        #expect(status.position % 100 == 0)
        runner.start()
        let s = try await snapshot(runner, atLeast: head)
        #expect(s.checkpoint == head)
        #expect(s.applied == Int(head))
        #expect(s.maxApplied == head)
        #expect(s.streams == (try countsInLog(log)).streams)
        await runner.stop()
        try log.close()
    }

    @Test func givenRunnerKilledMidRebuild_whenResumed_thenTheRebuildContinuesAndSwaps() async throws {
        let store = TestStore()
        defer { store.remove() }
        var log = try store.openLog()
        let head = try await appendEvents(log, count: 30_000, perAppend: 1000)
        let v1 = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        v1.start()
        try await v1.waitUntil("stream-counts", reached: head, timeout: .seconds(300))
        await v1.stop()
        try log.close()

        let killedAt = try await runChildAndKill(store, version: 2, batchSize: 100, killAt: 3_000)
        #expect(store.exists("stream-counts.rebuild.sqlite"))

        log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector(version: 2)], options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        let status = try runner.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.position == head)  // the old file, still serving
        let resumedFrom = try #require(status.rebuild?.position)
        #expect(resumedFrom >= killedAt)
        #expect(resumedFrom < head)
        runner.start()
        let newHead = try await appendEvents(log, count: 1)
        let s = try await snapshot(runner, atLeast: newHead)
        #expect(s.version == 2)
        #expect(s.applied == Int(newHead))
        #expect(s.streams == (try countsInLog(log)).streams)
        await runner.stop()
        try log.close()
    }

    /// Starts the child, waits until it reports a checkpoint at or beyond `killAt`, kills it
    /// with SIGKILL (while it keeps applying batches) and returns the last reported checkpoint.
    private func runChildAndKill(_ store: TestStore, version: Int, batchSize: Int, killAt: UInt64) async throws -> UInt64 {
        let child = Process()
        child.executableURL = try Self.childExecutable()
        child.arguments = [store.logDirectory, store.projections, "\(version)", "\(batchSize)"]
        let out = Pipe()
        child.standardOutput = out
        try child.run()
        let handle = out.fileHandleForReading
        let reported: UInt64? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { continuation.resume(returning: nil); return }
                    buffer += String(decoding: data, as: UTF8.self)
                    let lines = buffer.split(separator: "\n", omittingEmptySubsequences: false)
                    buffer = String(lines.last ?? "")
                    for line in lines.dropLast() {
                        if let p = line.split(separator: " ").last.flatMap({ UInt64($0) }), p >= killAt {
                            continuation.resume(returning: p)
                            return
                        }
                    }
                }
            }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        return try #require(reported, "the child ended before reaching \(killAt)")
    }

    private static func childExecutable() throws -> URL {
        var candidates: [URL] = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                                 Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent()) }
        for dir in candidates {
            let url = dir.appendingPathComponent("projection-crash-child")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw ChildNotFound(searched: candidates.map(\.path))
    }

    struct ChildNotFound: Error { let searched: [String] }
}
