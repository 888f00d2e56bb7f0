import EventLog
import Testing
@testable import Projections

/// Following live, a projection applies at most one batch per `liveGather`, but never keeps a
/// reader that waits for a position, nor a stop, waiting for the interval.
@Suite struct LiveGatherTests {
    private static let event = [ProposedEvent(type: "MemberRegistered", payload: [1])]

    /// Until the worker is in its gathering wait (polled; the wait itself lasts ten minutes).
    private func untilGathering(_ worker: ProjectionWorker) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: projectionDeadline)
        while !worker.isGathering {
            guard clock.now < deadline else {
                Issue.record("the projection never began to gather commits")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func givenALiveProjectionGatheringCommits_whenAReaderWaitsForANewPosition_thenItIsAnsweredWithoutWaitingForTheInterval() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                          options: .init(liveGather: .seconds(600)))
        runner.start()
        // given: a first commit after a quiet spell is applied at once (no reader asks for it)
        let first = try await log.append(stream: "member-1", expectedVersion: .any, events: Self.event)
        try await runner.waitUntil("stream-counts", reached: first.head.position, timeout: projectionDeadline)
        // ... and the next one, within the interval, is gathered
        let second = try await log.append(stream: "member-1", expectedVersion: .any, events: Self.event)
        let worker = try runner.worker("stream-counts")
        try await untilGathering(worker)
        #expect(runner.status().first?.position == first.head.position)

        // when: a reader waits for the gathered commit
        let count = try await runner.read("stream-counts", atLeast: second.head.position, timeout: projectionDeadline) { db in
            try StreamCountProjector.streamCounts(db)["member-1"]
        }

        // then: it reads it without waiting for the interval
        #expect(count == 2)
        await runner.stop()
        try log.close()
    }

    @Test(.timeLimit(.minutes(1)))
    func givenALiveProjectionGatheringCommits_whenTheRunnerStops_thenItStopsWithoutWaitingForTheInterval() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                          options: .init(liveGather: .seconds(600)))
        runner.start()
        let first = try await log.append(stream: "member-1", expectedVersion: .any, events: Self.event)
        try await runner.waitUntil("stream-counts", reached: first.head.position, timeout: projectionDeadline)
        _ = try await log.append(stream: "member-1", expectedVersion: .any, events: Self.event)
        try await untilGathering(try runner.worker("stream-counts"))

        await runner.stop()  // within the suite's time limit, not after ten minutes

        #expect(runner.status().first?.position == first.head.position)
        try log.close()
    }
}
