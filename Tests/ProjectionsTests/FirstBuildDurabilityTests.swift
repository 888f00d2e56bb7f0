import EventLog
import Foundation
import GRDB
import Testing
@testable import Projections

/// A serving file built from nothing over a non-empty log is written with `synchronous=OFF`
/// (marker `NAME.unsynced`) and fsynced when it first reaches the head; one left unsynced by an
/// earlier boot is built again from the first event.
@Suite struct FirstBuildDurabilityTests {
    @Test func givenALogWithEvents_whenANewProjectionReachesTheHead_thenItsFileIsSyncedAndUnmarked() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 500)

        // Given a projection without a file over a log with events
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                          options: .init(batchSize: 100))
        #expect(store.exists("stream-counts.unsynced"), "built from nothing: marked before the first unsynced write")
        #expect(try runner.status(of: "stream-counts").state == .catchingUp)

        // When it reaches the head
        runner.start()
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)

        // Then the marker is gone and every event is counted once.
        #expect(!store.exists("stream-counts.unsynced"))
        let s = try await snapshot(runner)
        #expect(s.applied == Int(head))
        #expect(s.streams == (try countsInLog(log)).streams)
        await runner.stop()
        try log.close()
    }

    @Test func givenAnEmptyLog_whenANewProjectionStarts_thenItsFileIsWrittenDurablyFromTheStart() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        #expect(!store.exists("stream-counts.unsynced"))
        await runner.stop()
        try log.close()
    }

    @Test func givenAFirstBuildStoppedMidway_whenRestarted_thenItResumesAndItsMarkerIsGoneAfterTheStop() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)

        // Given a first build that fails in the batch 501...600 and is stopped (a clean stop
        // fsyncs the file and removes its marker)
        let failing = try ProjectionRunner(log: log, directory: store.projections,
                                           projectors: [FailingProjector(version: 1, failAt: 550)],
                                           options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        failing.start()
        await #expect(throws: ProjectionError.self) {
            try await failing.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        }
        await failing.stop()
        #expect(!store.exists("stream-counts.unsynced"))

        // When restarted, then it resumes from its checkpoint and counts every event once.
        let resumed = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                           options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        #expect(try resumed.status(of: "stream-counts").position == 500)
        resumed.start()
        let s = try await snapshot(resumed, atLeast: head)
        #expect(s.applied == Int(head))  // a second application would violate applied's key
        #expect(s.streams == (try countsInLog(log)).streams)
        await resumed.stop()
        try log.close()
    }

    @Test func givenAFirstBuildLeftUnsyncedByAnotherBoot_whenRestarted_thenItIsBuiltAgainFromTheFirstEvent() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)
        let first = try ProjectionRunner(log: log, directory: store.projections,
                                         projectors: [FailingProjector(version: 1, failAt: 550)],
                                         options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        first.start()
        await #expect(throws: ProjectionError.self) {
            try await first.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        }
        await first.stop()

        // Given the file marked as written unsynced before an OS crash (another boot)
        try "another-boot".write(toFile: store.path("stream-counts.unsynced"), atomically: false, encoding: .utf8)

        // When a runner opens it, then it is discarded and built again from the first event.
        let restarted = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                             options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        #expect(try restarted.status(of: "stream-counts").position == 0)
        #expect(store.exists("stream-counts.unsynced"))
        restarted.start()
        let s = try await snapshot(restarted, atLeast: head)
        #expect(s.applied == Int(head))
        #expect(s.streams == (try countsInLog(log)).streams)
        #expect(!store.exists("stream-counts.unsynced"))
        await restarted.stop()
        try log.close()
    }
}
