import EventLog
import Synchronization
import Testing
@testable import Projections

@Suite struct StatusTests {
    @Test func lagIsReportedInEventsAndInSecondsOfTheOldestUnappliedEvent() async throws {
        let store = TestStore()
        defer { store.remove() }
        let logClock = TestClock(seconds: 1_800_000_000)
        let runnerClock = TestClock(seconds: 1_800_000_042)
        let log = try store.openLog(clock: logClock)
        try await appendEvents(log, count: 10)

        var runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                          options: .init(clock: { runnerClock.now() }))
        var status = try runner.status(of: "stream-counts")
        #expect(status.state == .catchingUp)
        #expect(status.position == 0)
        #expect(status.head == 10)
        #expect(status.lagEvents == 10)
        #expect(status.lagSeconds == 42)
        #expect(status.rebuild == nil)
        #expect(status.version == 1)

        runner.start()
        try await runner.waitUntil("stream-counts", reached: 10, timeout: projectionDeadline)
        status = try runner.status(of: "stream-counts")
        #expect(status.state == .live)
        #expect(status.lagEvents == 0)
        #expect(status.lagSeconds == 0)
        await runner.stop()

        logClock.set(seconds: 1_800_000_100)
        try await appendEvents(log, count: 5)
        logClock.set(seconds: 1_800_000_200)
        try await appendEvents(log, count: 5)
        runnerClock.set(seconds: 1_800_000_130)
        runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()],
                                      options: .init(clock: { runnerClock.now() }))
        status = try runner.status(of: "stream-counts")
        #expect(status.position == 10)
        #expect(status.head == 20)
        #expect(status.lagEvents == 10)
        #expect(status.lagSeconds == 30)
        #expect(runner.status().map(\.name) == ["stream-counts"])
        await runner.stop()
        try log.close()
    }

    @Test func catchingUpReportsARateAndAnETA() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)
        // Each reading of the runner's clock is one second later than the previous one.
        let ticks = TickingClock()
        let gate = Gate()
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [GatedProjector(version: 1, gate: gate, at: 250)],
                                          options: .init(batchSize: 100, maxBatchDuration: .seconds(3600),
                                                         clock: { ticks.now() }))
        runner.start()
        await gate.waitUntilReached()
        // Clock readings: open (position 0), batch to 100, batch to 200: 200 events in 2 s.
        let status = try runner.status(of: "stream-counts")
        gate.open()
        #expect(status.state == .catchingUp)
        #expect(status.position == 200)
        #expect(status.eventsPerSecond == 100)
        #expect(status.etaSeconds == Double(head - 200) / 100)
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        #expect(try runner.status(of: "stream-counts").eventsPerSecond == nil)  // live
        await runner.stop()
        try log.close()
    }

    @Test func rebuildReportsItsOwnPositionRateAndETA() throws {
        var meter = RateMeter()
        #expect(meter.eventsPerSecond == nil)
        meter.record(position: 0, at: Timestamp(microsecondsSinceEpoch: 0))
        #expect(meter.eventsPerSecond == nil)
        meter.record(position: 5_000, at: Timestamp(microsecondsSinceEpoch: 1_000_000))
        meter.record(position: 20_000, at: Timestamp(microsecondsSinceEpoch: 2_000_000))
        #expect(meter.eventsPerSecond == 10_000)
        #expect(meter.eta(from: 20_000, to: 50_000) == 3)
        #expect(meter.eta(from: 50_000, to: 50_000) == 0)

        var window = RateMeter(window: 2)
        window.record(position: 0, at: Timestamp(microsecondsSinceEpoch: 0))
        window.record(position: 100, at: Timestamp(microsecondsSinceEpoch: 1_000_000))
        window.record(position: 1_100, at: Timestamp(microsecondsSinceEpoch: 2_000_000))
        #expect(window.eventsPerSecond == 1_000)
    }

    @Test func unknownProjectionIsAClearError() throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [])
        #expect(throws: ProjectionError.unknownProjection("nope")) { try runner.status(of: "nope") }
        #expect(throws: ProjectionError.self) {
            _ = try ProjectionRunner(log: log, directory: store.projections,
                                     projectors: [StreamCountProjector(name: "../escape")])
        }
        try log.close()
    }
}

/// A clock that moves one second forward at every reading.
final class TickingClock: Sendable {
    private let seconds = Mutex<Int64>(1_800_000_000)
    func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: seconds.withLock { s in
            s += 1
            return s * 1_000_000
        })
    }
}
