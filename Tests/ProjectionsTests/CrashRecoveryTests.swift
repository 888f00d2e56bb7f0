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

        // Killed inside the batch 3001...3100 (at 3050), then inside 8001...8100: each time the
        // open batch is lost and the checkpoint is the last whole batch.
        try await runChildAndKill(store, version: 1, batchSize: 100, pauseAt: 3_050)
        #expect(try checkpoint(store, batchSize: 100) == 3_000)
        try await runChildAndKill(store, version: 1, batchSize: 100, pauseAt: 8_050)
        #expect(try checkpoint(store, batchSize: 100) == 8_000)

        log = try store.openLog(readOnly: true)
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector()], options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
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
        try await buildStreamCountsV1(log, in: store, reaching: head, timeout: .seconds(300))
        try log.close()

        try await runChildAndKill(store, version: 2, batchSize: 100, pauseAt: 3_050)
        #expect(store.exists("stream-counts.rebuild.sqlite"))

        log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector(version: 2)], options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        let status = try runner.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.position == head)  // the old file, still serving
        #expect(status.rebuild?.position == 3_000, "the rebuild resumes after its last whole batch")
        runner.start()
        let newHead = try await appendEvents(log, count: 1)
        let s = try await snapshot(runner, atLeast: newHead)
        #expect(s.version == 2)
        #expect(s.applied == Int(newHead))
        #expect(s.streams == (try countsInLog(log)).streams)
        await runner.stop()
        try log.close()
    }

    /// Starts the child, waits until it reports that it is blocked inside the batch holding
    /// `pauseAt`, and kills it with SIGKILL there, mid-transaction.
    private func runChildAndKill(_ store: TestStore, version: Int, batchSize: Int, pauseAt: UInt64) async throws {
        let child = Process()
        child.executableURL = try Self.childExecutable()
        child.arguments = [store.logDirectory, store.projections, "\(version)", "\(batchSize)", "\(pauseAt)"]
        let out = Pipe()
        child.standardOutput = out
        try child.run()
        let handle = out.fileHandleForReading
        let paused: Bool = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { continuation.resume(returning: false); return }
                    buffer += String(decoding: data, as: UTF8.self)
                    let lines = buffer.split(separator: "\n", omittingEmptySubsequences: false)
                    buffer = String(lines.last ?? "")
                    if lines.dropLast().contains(where: { $0 == "paused \(pauseAt)" }) {
                        continuation.resume(returning: true)
                        return
                    }
                }
            }
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(paused, "the child ended before it reached \(pauseAt)")
    }

    /// The committed checkpoint the killed child left: the rebuild's while rebuilding.
    private func checkpoint(_ store: TestStore, batchSize: Int) throws -> UInt64 {
        let log = try store.openLog(readOnly: true)
        defer { try? log.close() }
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                          options: .init(batchSize: batchSize, maxBatchDuration: .seconds(3600)))
        let status = try runner.status(of: "stream-counts")
        return status.rebuild?.position ?? status.position
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
