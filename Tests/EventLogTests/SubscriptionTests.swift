import EventLog
import Foundation
import Testing

/// Given a live subscription, when events are committed (before it started, while it catches up,
/// or after it reached the head), then it delivers every event after its starting position
/// exactly once and in position order, each equal to what a read returns. Waits are bounded by
/// timeouts that only turn a hang into a failure.
@Suite("Subscription")
struct SubscriptionTests {
    /// Collects events from `subscribe(after:)` until `count` arrived.
    static func collect(_ log: EventLog, after: UInt64, count: Int) async throws -> [RecordedEvent] {
        var seen: [RecordedEvent] = []
        if count == 0 { return seen }
        for try await event in log.subscribe(after: after) {
            seen.append(event)
            if seen.count == count { break }
        }
        return seen
    }

    @Test("given subscribe(after: 0), when 8 tasks append concurrently, then every position 1...N arrives once, in order")
    func concurrentAppenders() async throws {
        let tmp = TemporaryDirectory("subscribe-concurrent")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 16 << 10))
        defer { try? log.close() }
        let perTask = 40
        // Task t appends perTask commits of 1...3 events.
        let total = (0..<8).reduce(0) { sum, t in sum + (0..<perTask).reduce(0) { $0 + 1 + ($1 + t) % 3 } }

        let seen = try await withTimeout(300, "\(total) events from the subscription") {
            try await withThrowingTaskGroup(of: [RecordedEvent]?.self) { group in
                group.addTask { try await Self.collect(log, after: 0, count: total) }
                for t in 0..<8 {
                    group.addTask {
                        for i in 0..<perTask {
                            _ = try await log.append(stream: "task-\(t)", expectedVersion: .any,
                                                     events: Fixture.events(1 + (i + t) % 3, prefix: "t\(t)-\(i)-"))
                        }
                        return nil
                    }
                }
                var seen: [RecordedEvent] = []
                for try await result in group { if let r = result { seen = r } }
                return seen
            }
        }
        #expect(seen.map(\.position) == Array(1...UInt64(total)))
        #expect(Set(seen.map(\.id)).count == total)
        #expect(seen == (try Fixture.allEvents(log)))
        // Within each task's stream the versions arrive in order too.
        for t in 0..<8 {
            let versions = seen.filter { $0.stream == "task-\(t)" }.map(\.streamVersion)
            #expect(versions == Array(1...UInt64(versions.count)))
        }
    }

    @Test("given 100 events, when subscribing after 40 and then 20 more are appended, then 41...120 arrive in order")
    func catchUpFromTheMiddleThenLive() async throws {
        let tmp = TemporaryDirectory("subscribe-middle")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 4096))
        defer { try? log.close() }
        for i in 0..<20 {
            _ = try await log.append(stream: "s\(i % 3)", expectedVersion: .any, events: Fixture.events(5, prefix: "p\(i)-"))
        }
        let seen = try await withTimeout(300, "events 41...120") {
            try await withThrowingTaskGroup(of: [RecordedEvent]?.self) { group in
                group.addTask { try await Self.collect(log, after: 40, count: 80) }
                group.addTask {
                    for i in 0..<20 {
                        _ = try await log.append(stream: "live", expectedVersion: .any, events: [Fixture.event("l\(i)")])
                    }
                    return nil
                }
                var seen: [RecordedEvent] = []
                for try await result in group { if let r = result { seen = r } }
                return seen
            }
        }
        #expect(seen.map(\.position) == Array(41...120))
        #expect(seen == (try log.read(from: 41, maxCount: 80)))
    }

    @Test("given a subscription at the head, when new events are appended later, then it is woken and receives them")
    func startsAtHeadThenReceives() async throws {
        let tmp = TemporaryDirectory("subscribe-head")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        _ = try await log.append(stream: "before", expectedVersion: .any, events: Fixture.events(3))
        let head = log.head().position

        let seen = try await withTimeout(300, "events after the head") {
            try await withThrowingTaskGroup(of: [RecordedEvent]?.self) { group in
                group.addTask { try await Self.collect(log, after: head, count: 6) }
                group.addTask {
                    // Give the subscriber a chance to reach the head and wait there; correctness
                    // does not depend on it.
                    for i in 0..<3 {
                        try await Task.sleep(nanoseconds: 50_000_000)
                        _ = try await log.append(stream: "after", expectedVersion: .any, events: Fixture.events(2, prefix: "a\(i)-"))
                    }
                    return nil
                }
                var seen: [RecordedEvent] = []
                for try await result in group { if let r = result { seen = r } }
                return seen
            }
        }
        #expect(seen.map(\.position) == Array(4...9))
        #expect(seen.allSatisfy { $0.stream == "after" })
    }

    @Test("given a subscription waiting at the head, when its task is cancelled or the log closed, then the sequence ends")
    func endsOnCancelAndClose() async throws {
        let tmp = TemporaryDirectory("subscribe-end")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        _ = try await log.append(stream: "s", expectedVersion: .any, events: Fixture.events(2))

        let waiting = Task { try await Self.collect(log, after: 0, count: 1_000) }
        try await Task.sleep(nanoseconds: 50_000_000)
        waiting.cancel()
        let cancelled = try await withTimeout(300, "the cancelled subscription to end") { try? await waiting.value }
        // Ended (nil on throw is fine); whatever arrived was in order.
        if let events = cancelled { #expect(events.map(\.position) == Array(1...UInt64(events.count))) }

        let open = Task { try await Self.collect(log, after: 2, count: 1_000) }
        try await Task.sleep(nanoseconds: 50_000_000)
        try log.close()
        let closed = try await withTimeout(300, "the subscription to end when the log closes") { try? await open.value }
        #expect(closed?.isEmpty ?? true)
    }
}
