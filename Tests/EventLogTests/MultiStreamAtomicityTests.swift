import EventLog
import Foundation
import Testing

/// Given one append across several streams, then it is one commit: either every stream's events
/// are in the log, contiguous and with one recorded-at, or (when any stream's expected version
/// is wrong) none of them is.
@Suite("Multi-stream atomicity")
struct MultiStreamAtomicityTests {
    static func threeStreams(_ expected: [ExpectedVersion]) -> [StreamAppend] {
        ["consortium-1", "member-1", "member-2"].enumerated().map { i, stream in
            StreamAppend(stream: stream, expectedVersion: expected[i], events: Fixture.events(i + 1, prefix: "\(stream)-"))
        }
    }

    @Test("given three streams, when one append covers all three, then all events are committed together")
    func allCommitTogether() async throws {
        let tmp = TemporaryDirectory("atomic-all")
        defer { tmp.remove() }
        let clock = ManualClock()
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(clock: clock.reading))
        defer { try? log.close() }
        _ = try await log.append(stream: "member-1", expectedVersion: .noStream, events: [Fixture.event("m1")])

        clock.set(clock.now.microsecondsSinceEpoch + 5_000)
        let appends = Self.threeStreams([.noStream, .exact(1), .any])
        let result = try await log.append(appends)
        #expect(result.positions == Array(2...7))
        #expect(result.streamVersions == ["consortium-1": 1, "member-1": 3, "member-2": 3])
        #expect(result.head == log.head())
        let stored = try log.read(from: 2, maxCount: 10)
        #expect(stored.map(\.id) == appends.flatMap { $0.events.map(\.id) })
        #expect(stored.map(\.stream) == ["consortium-1", "member-1", "member-1", "member-2", "member-2", "member-2"])
        #expect(Set(stored.map(\.recordedAt)) == [clock.now])
        // verify(upTo:) accepts the commit boundaries before and after, and nothing inside.
        #expect(log.verify(upTo: result.head).isIntact)
        #expect(log.verify(upTo: LogHead(position: 4, hash: result.head.hash)).isIntact == false)
    }

    @Test("given three streams, when one stream's expected version is wrong, then nothing of any stream is written",
          arguments: [0, 1, 2])
    func oneWrongVersionWritesNothing(wrong: Int) async throws {
        let tmp = TemporaryDirectory("atomic-none")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        _ = try await log.append(stream: "member-1", expectedVersion: .noStream, events: [Fixture.event("m1")])
        _ = try await log.append(stream: "consortium-1", expectedVersion: .noStream, events: [Fixture.event("c1")])
        let head = log.head()

        var expected: [ExpectedVersion] = [.exact(1), .exact(1), .noStream]
        let bad: [ExpectedVersion] = [.noStream, .exact(5), .exact(1)]
        expected[wrong] = bad[wrong]
        let appends = Self.threeStreams(expected)
        await #expect(throws: LogError.wrongExpectedVersion(stream: appends[wrong].stream, expected: bad[wrong],
                                                            actual: [1, 1, 0][wrong])) {
            try await log.append(appends)
        }
        #expect(log.head() == head)
        #expect(log.streamVersion("consortium-1") == 1)
        #expect(log.streamVersion("member-1") == 1)
        #expect(log.streamVersion("member-2") == 0)
        #expect(try Fixture.allEvents(log).count == 2)

        // The same append with the right versions goes through whole afterwards, with the same ids.
        let fixed = Self.threeStreams([.exact(1), .exact(1), .noStream]).enumerated().map { i, a in
            StreamAppend(stream: a.stream, expectedVersion: a.expectedVersion, events: appends[i].events)
        }
        let result = try await log.append(fixed)
        #expect(result.wasAlreadyStored == false)
        #expect(result.positions == Array(3...8))
        try log.close()
        let reopened = try EventLog.open(directory: tmp.path)
        #expect(try Fixture.allEvents(reopened).map(\.id).suffix(6) == fixed.flatMap { $0.events.map(\.id) })
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }

    @Test("given concurrent multi-stream appends where half conflict, then each is all-or-nothing")
    func concurrentConflicts() async throws {
        let tmp = TemporaryDirectory("atomic-concurrent")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        _ = try await log.append(stream: "shared", expectedVersion: .noStream, events: [Fixture.event("s")])
        // Each task appends to its own two streams plus "shared" with .exact(1): exactly one wins.
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for t in 0..<20 {
                group.addTask {
                    let appends = [StreamAppend(stream: "own-\(t)-a", expectedVersion: .noStream, events: Fixture.events(2)),
                                   StreamAppend(stream: "shared", expectedVersion: .exact(1), events: [Fixture.event("x\(t)")]),
                                   StreamAppend(stream: "own-\(t)-b", expectedVersion: .noStream, events: Fixture.events(1))]
                    return (t, (try? await log.append(appends)) != nil)
                }
            }
            var all: [(Int, Bool)] = []
            for await o in group { all.append(o) }
            return all
        }
        let winners = outcomes.filter(\.1).map(\.0)
        #expect(winners.count == 1)
        for (t, won) in outcomes {
            #expect(log.streamVersion("own-\(t)-a") == (won ? 2 : 0))
            #expect(log.streamVersion("own-\(t)-b") == (won ? 1 : 0))
        }
        #expect(log.head().position == 5)
        #expect(log.verify().isIntact)
    }
}
