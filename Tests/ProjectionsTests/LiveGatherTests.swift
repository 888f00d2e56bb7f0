import EventLog
import Testing
@testable import Projections

/// Following live, a projection applies at most one batch per `liveGather`, but never keeps a
/// reader that waits for a position, nor a stop, waiting for the interval.
@Suite struct LiveGatherTests {
    private static var event: [ProposedEvent] { [ProposedEvent(type: "MemberRegistered", payload: [1])] }

    /// Until `condition` holds (polled).
    private func until(_ what: String, _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(60))
        while !condition() {
            guard clock.now < deadline else {
                Issue.record("the projection never \(what)")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Until the worker is in its gathering wait (the wait itself lasts an hour).
    private func untilGathering(_ worker: ProjectionWorker) async throws {
        try await until("began to gather commits") { worker.isGathering }
    }

    /// Given a live projection gathering commits: a first commit after a quiet spell is
    /// applied at once (no reader asks for it), and the next one, within the interval, is
    /// gathered. Returns both commits' heads.
    private func givenAGatheringProjection(_ log: EventLog, _ runner: ProjectionRunner) async throws -> (first: LogHead, second: LogHead) {
        runner.start()
        let first = try await log.append(stream: "member-1", expectedVersion: .any, events: Self.event)
        try await runner.waitUntil("stream-counts", reached: first.head.position, timeout: projectionDeadline)
        let worker = try runner.worker("stream-counts")
        try await until("waited for a commit") { worker.isWaitingForCommit }
        let second = try await log.append(stream: "member-1", expectedVersion: .any, events: Self.event)
        try await untilGathering(worker)
        return (first.head, second.head)
    }

    private func runner(_ store: TestStore, _ log: EventLog) throws -> ProjectionRunner {
        try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                             options: .init(liveGather: .seconds(3600)))
    }

    @Test(.timeLimit(.minutes(3)))
    func givenALiveProjectionGatheringCommits_whenAReaderWaitsForANewPosition_thenItIsAnsweredWithoutWaitingForTheInterval() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try runner(store, log)
        let (first, second) = try await givenAGatheringProjection(log, runner)
        #expect(runner.status().first?.position == first.position)

        // when: a reader waits for the gathered commit
        let count = try await runner.read("stream-counts", atLeast: second.position, timeout: projectionDeadline) { db in
            try StreamCountProjector.streamCounts(db)["member-1"]
        }

        // then: it reads it without waiting for the interval
        #expect(count == 2)
        await runner.stop()
        try log.close()
    }

    @Test(.timeLimit(.minutes(3)))
    func givenALiveProjectionGatheringCommits_whenTheRunnerStops_thenItStopsWithoutWaitingForTheInterval() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try runner(store, log)
        let (first, _) = try await givenAGatheringProjection(log, runner)

        await runner.stop()  // within the test's time limit, not after an hour

        #expect(runner.status().first?.position == first.position)
        try log.close()
    }
}
