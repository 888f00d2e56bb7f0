import EventLog
import Foundation
import Testing
@testable import Projections

@Suite struct LogReplacedTests {
    @Test func givenCheckpointBeyondTheHead_thenTheProjectionIsRebuiltFromThisLog() async throws {
        let store = TestStore()
        defer { store.remove() }
        var log = try store.openLog()
        let head = try await appendEvents(log, count: 300)
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        runner.start()
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        await runner.stop()
        try log.close()

        // Another, shorter log in its place (e.g. a restore from an older backup).
        try FileManager.default.removeItem(atPath: store.logDirectory)
        log = try store.openLog()
        let newHead = try await appendEvents(log, count: 40, streams: 3)
        let replaced = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        let status = try replaced.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.position == 0)
        replaced.start()
        let s = try await snapshot(replaced, atLeast: newHead)
        #expect(s.checkpoint == newHead)
        #expect(s.streams == (try countsInLog(log)).streams)
        await replaced.stop()
        try log.close()
    }
}
