import Foundation
import EventLog
import Testing
@testable import Projections

@Suite struct InterruptedRebuildTests {
    @Test func givenRebuildStoppedMidway_whenRestarted_thenItResumesFromTheSideFilesCheckpoint() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)

        try await buildStreamCountsV1(log, in: store, reaching: head)

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

    @Test func givenRebuildStoppedMidway_whenItsUnsyncedMarkerNamesAnotherBoot_thenTheRebuildStartsOver() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)
        try await buildStreamCountsV1(log, in: store, reaching: head)

        // Given a rebuild to version 2 that stopped at 500 (a clean stop fsyncs the side file
        // and removes its marker)
        let failing = try ProjectionRunner(log: log, directory: store.projections,
                                           projectors: [FailingProjector(version: 2, failAt: 550)],
                                           options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        #expect(store.exists("stream-counts.rebuild.unsynced"))
        failing.start()
        await #expect(throws: ProjectionError.self) {
            try await failing.waitUntil("stream-counts", reached: head + 1, timeout: .seconds(60))
        }
        await failing.stop()
        #expect(!store.exists("stream-counts.rebuild.unsynced"))

        // When the side file is marked as written unsynced before an OS crash (another boot)
        try "another-boot".write(toFile: store.path("stream-counts.rebuild.unsynced"), atomically: false, encoding: .utf8)
        let restarted = try ProjectionRunner(log: log, directory: store.projections,
                                             projectors: [StreamCountProjector(version: 2)],
                                             options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))

        // Then it is discarded and the rebuild starts from the first event, then swaps in.
        let status = try restarted.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.rebuild?.position == 0)
        restarted.start()
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while try restarted.status(of: "stream-counts").servedVersion != 2 {
            try #require(ContinuousClock.now < deadline, "the rebuild did not swap in")
            try await Task.sleep(for: .milliseconds(10))
        }
        let s = try await snapshot(restarted, atLeast: head)
        #expect(s.version == 2)
        #expect(s.applied == Int(head))
        #expect(!store.exists("stream-counts.rebuild.unsynced"))
        await restarted.stop()
        try log.close()
    }
}
