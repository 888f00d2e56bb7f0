import EventLog
import Testing
@testable import Projections

/// Rows and checkpoint are committed together, per batch, or not at all.
@Suite struct CheckpointAtomicityTests {
    @Test func givenProjectorThrowsMidBatch_thenNothingOfThatBatchIsKept_andCheckpointIsThePreviousBatch() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)

        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [FailingProjector(failAt: 250)], options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        runner.start()
        await #expect(throws: ProjectionError.self) {
            try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        }
        let status = try runner.status(of: "stream-counts")
        #expect(status.state == .failed)
        #expect(status.error?.contains("boom at 250") == true)
        #expect(status.position == 200)

        let s = try await snapshot(runner)
        #expect(s.checkpoint == 200)
        #expect(s.applied == 200)
        #expect(s.maxApplied == 200)
        #expect(s.streams.values.reduce(0, +) == 200)
        await runner.stop()

        // A fixed projector resumes from the checkpoint and applies every event exactly once.
        let fixed = try ProjectionRunner(log: log, directory: store.projections,
                                         projectors: [StreamCountProjector()], options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        fixed.start()
        let after = try await snapshot(fixed, atLeast: head)
        #expect(after.applied == Int(head))
        #expect(after.streams == (try countsInLog(log)).streams)
        await fixed.stop()
        try log.close()
    }

    @Test func readersAlwaysSeeRowsAndCheckpointOfTheSameBatches() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 3000)
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector()], options: .init(batchSize: 37, maxBatchDuration: .seconds(3600)))
        runner.start()
        var observed = 0
        while true {
            let s = try await snapshot(runner)
            #expect(UInt64(s.applied) == s.checkpoint)
            #expect(s.maxApplied == s.checkpoint)
            #expect(s.checkpoint % 37 == 0 || s.checkpoint == head)
            observed += 1
            if s.checkpoint == head { break }
        }
        #expect(observed >= 1)
        await runner.stop()
        try log.close()
    }

    @Test func givenATimeBound_thenBatchesAreCutAtEventBoundariesAndStillCommitWhole() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 500)
        // A zero time bound cuts every batch at its first check (every 64 events).
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                          options: .init(batchSize: 1000, maxBatchDuration: .zero))
        runner.start()
        while true {
            let s = try await snapshot(runner)
            #expect(UInt64(s.applied) == s.checkpoint)
            #expect((s.checkpoint + 1) % 64 == 0 || s.checkpoint == head || s.checkpoint == 0)
            if s.checkpoint == head { break }
        }
        await runner.stop()
        try log.close()
    }

    @Test func givenATransientFailure_whenRetried_thenTheProjectionResumesFromItsCheckpoint() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 400)
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [FlakyProjector(failAt: 150)],
                                          options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        try runner.retry("stream-counts")  // not failed: nothing happens
        runner.start()
        await #expect(throws: ProjectionError.self) { try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline) }
        #expect(try runner.status(of: "stream-counts").position == 100)
        try runner.retry("stream-counts")
        let s = try await snapshot(runner, atLeast: head)
        #expect(s.applied == Int(head))
        #expect(s.streams == (try countsInLog(log)).streams)
        #expect(try runner.status(of: "stream-counts").error == nil)
        await runner.stop()
        try log.close()
    }
}
