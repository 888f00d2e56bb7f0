import EventLog
import Testing
@testable import Projections

@Suite struct LiveModeTests {
    @Test func liveRunnerFollowsNewCommitsWithoutRestart() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        runner.start()
        for round in 1...5 {
            let head = try await appendEvents(log, count: 20 * round)
            let s = try await snapshot(runner, atLeast: head)
            #expect(s.checkpoint >= head)
            #expect(try runner.status(of: "stream-counts").state == .live)
        }
        let s = try await snapshot(runner, atLeast: log.head().position)
        #expect(s.streams == (try countsInLog(log)).streams)
        await runner.stop()
        try log.close()
    }

    @Test func givenLiveRunner_whenTheLogCloses_thenTheProjectionFailsWithAClearReason() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 30)
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        runner.start()
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        let waiter = Task { try await runner.waitUntil("stream-counts", reached: head + 1, timeout: .seconds(600)) }
        try log.close()
        await #expect(throws: ProjectionError.self) { try await waiter.value }
        let status = try runner.status(of: "stream-counts")
        #expect(status.state == .failed)
        #expect(status.error?.contains("closed") == true)
        #expect(status.position == head)
        await runner.stop()
    }
}
