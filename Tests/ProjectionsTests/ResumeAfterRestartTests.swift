import EventLog
import Testing
@testable import Projections

@Suite struct ResumeAfterRestartTests {
    @Test func givenStoppedRunner_whenEventsArriveAndRunnerRestarts_thenItResumesAtItsCheckpoint() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let first = try await appendEvents(log, count: 500)

        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector()], options: .init(batchSize: 64))
        runner.start()
        try await runner.waitUntil("stream-counts", reached: first, timeout: projectionDeadline)
        await runner.stop()

        let head = try await appendEvents(log, count: 300)
        let again = try ProjectionRunner(log: log, directory: store.projections,
                                         projectors: [StreamCountProjector()], options: .init(batchSize: 64))
        let before = try again.status(of: "stream-counts")
        #expect(before.position == first)
        #expect(before.state == .catchingUp)
        #expect(before.lagEvents == head - first)

        again.start()
        let s = try await snapshot(again, atLeast: head)
        let expected = try countsInLog(log)
        #expect(s.checkpoint == head)
        #expect(s.applied == Int(head))
        #expect(s.streams == expected.streams)
        #expect(s.types == expected.types)
        await again.stop()
        try log.close()
    }
}
