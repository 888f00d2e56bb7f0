import EventLog
import Testing
@testable import Projections

@Suite struct ReadYourWritesTests {
    @Test func givenAnAppend_whenReadingAtItsPosition_thenTheReadSeesIt() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        runner.start()
        for i in 1...20 {
            let result = try await log.append(stream: "member-\(i % 3)", expectedVersion: .any,
                                              events: [ProposedEvent(type: "MemberRegistered", payload: [UInt8(i)])])
            let count = try await runner.read("stream-counts", atLeast: result.positions[0], timeout: projectionDeadline) { db in
                try StreamCountProjector.streamCounts(db)["member-\(i % 3)"]
            }
            #expect(count == i / 3 + (i % 3 == 0 ? 0 : 1))
        }
        await runner.stop()
        try log.close()
    }

    @Test func givenAPositionNotReached_whenWaitingBriefly_thenTimeoutNamesWhereTheProjectionIs() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 12)
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        runner.start()
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        await #expect(throws: ProjectionError.timeout(projection: "stream-counts", position: head + 5, reached: head)) {
            try await runner.waitUntil("stream-counts", reached: head + 5, timeout: .milliseconds(50))
        }
        await #expect(throws: ProjectionError.timeout(projection: "stream-counts", position: head + 1, reached: head)) {
            _ = try await runner.read("stream-counts", atLeast: head + 1, timeout: .milliseconds(20)) { _ in 0 }
        }
        await runner.stop()
        try log.close()
    }

    @Test func givenAWaiter_whenTheRunnerStops_thenTheWaitEndsWithStopped() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        runner.start()
        let waiter = Task { try await runner.waitUntil("stream-counts", reached: 1_000, timeout: .seconds(600)) }
        await runner.stop()
        await #expect(throws: ProjectionError.stopped(projection: "stream-counts")) { try await waiter.value }
        try log.close()
    }
}
