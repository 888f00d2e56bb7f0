import EventLog
import Testing
@testable import Projections

@Suite struct InterruptedRebuildTests {
    @Test func givenRebuildStoppedMidway_whenRestarted_thenItResumesFromTheSideFilesCheckpoint() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)

        let v1 = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        v1.start()
        try await v1.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        await v1.stop()

        // Version 2 fails in the batch 501...600 of its rebuild.
        let failing = try ProjectionRunner(log: log, directory: store.projections,
                                           projectors: [FailingProjector(version: 2, failAt: 550)],
                                           options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        failing.start()
        let newHead = try await appendEvents(log, count: 1)
        await #expect(throws: ProjectionError.self) {
            try await failing.waitUntil("stream-counts", reached: newHead, timeout: projectionDeadline)
        }
        let failed = try failing.status(of: "stream-counts")
        #expect(failed.state == .failed)
        #expect(failed.rebuild?.position == 500)
        #expect(try await snapshot(failing).version == 1)  // the old file still answers
        await failing.stop()

        let resumed = try ProjectionRunner(log: log, directory: store.projections,
                                           projectors: [StreamCountProjector(version: 2)],
                                           options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        let status = try resumed.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.rebuild?.position == 500)
        resumed.start()
        let s = try await snapshot(resumed, atLeast: newHead)
        #expect(s.version == 2)
        #expect(s.applied == Int(newHead))  // a second application would violate applied's key
        #expect(s.streams == (try countsInLog(log)).streams)
        await resumed.stop()
        try log.close()
    }
}
