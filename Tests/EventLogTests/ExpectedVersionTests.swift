import EventLog
import Foundation
import Synchronization
import Testing

/// Given a stream at some version, when appending with an expected version (.noStream, .exact,
/// .any), then the append is admitted or refused with an error naming the stream, the expected
/// and the actual version; and under a race exactly one appender wins each version.
@Suite("Expected version")
struct ExpectedVersionTests {
    @Test("given no stream, when appending with .noStream / .exact(0), then admitted; with .exact(1), refused")
    func absentStream() async throws {
        let tmp = TemporaryDirectory("expected-absent")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(durability: .none))
        defer { try? log.close() }

        await #expect(throws: LogError.wrongExpectedVersion(stream: "a", expected: .exact(1), actual: 0)) {
            try await log.append(stream: "a", expectedVersion: .exact(1), events: [Fixture.event("x")])
        }
        #expect(log.head().position == 0)

        let first = try await log.append(stream: "a", expectedVersion: .noStream, events: Fixture.events(2))
        #expect(first.streamVersions == ["a": 2])
        let other = try await log.append(stream: "b", expectedVersion: .exact(0), events: [Fixture.event("b1")])
        #expect(other.streamVersions == ["b": 1])
        #expect(other.positions == [3])
    }

    @Test("given a stream with 2 events, when appending with .noStream or a wrong .exact, then wrongExpectedVersion names stream, expected and actual, and nothing is written")
    func existingStream() async throws {
        let tmp = TemporaryDirectory("expected-existing")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(durability: .none))
        defer { try? log.close() }
        _ = try await log.append(stream: "member-7", expectedVersion: .noStream, events: Fixture.events(2))
        let head = log.head()

        for (expected, actual) in [(ExpectedVersion.noStream, UInt64(2)), (.exact(0), 2), (.exact(1), 2), (.exact(3), 2)] {
            do {
                _ = try await log.append(stream: "member-7", expectedVersion: expected, events: [Fixture.event("no")])
                Issue.record("append with \(expected) on a stream at version 2 was admitted")
            } catch let error as LogError {
                #expect(error == .wrongExpectedVersion(stream: "member-7", expected: expected, actual: actual))
                let text = "\(error)"
                #expect(text.contains("member-7") && text.contains("\(expected)") && text.contains("actual \(actual)"), "\(text)")
            }
            #expect(log.head() == head)
            #expect(log.streamVersion("member-7") == 2)
        }

        let exact = try await log.append(stream: "member-7", expectedVersion: .exact(2), events: [Fixture.event("c")])
        #expect(exact.streamVersions == ["member-7": 3])
        let any = try await log.append(stream: "member-7", expectedVersion: .any, events: Fixture.events(2))
        #expect(any.streamVersions == ["member-7": 5])
        #expect(any.positions == [4, 5])
        #expect(try log.readStream("member-7").map(\.streamVersion) == [1, 2, 3, 4, 5])
    }

    @Test("given 50 tasks appending to one stream with .exact(v) at once, then exactly one wins each version and the others get wrongExpectedVersion; repeated for 6 versions")
    func raceForEachVersion() async throws {
        let tmp = TemporaryDirectory("expected-race")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)  // .fsync: the racers are group-committed
        defer { try? log.close() }
        let stream = "tender-42"
        var winners: [UUID] = []
        for version in UInt64(0)..<6 {
            let outcomes = await withTaskGroup(of: (UUID, Result<AppendResult, LogError>).self) { group in
                for i in 0..<50 {
                    group.addTask {
                        let event = Fixture.event("v\(version)-t\(i)")
                        do {
                            return (event.id, .success(try await log.append(stream: stream, expectedVersion: .exact(version), events: [event])))
                        } catch let error as LogError {
                            return (event.id, .failure(error))
                        } catch {
                            return (event.id, .failure(.writerFailed(reason: "unexpected \(error)")))
                        }
                    }
                }
                var all: [(UUID, Result<AppendResult, LogError>)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let won = outcomes.compactMap { id, r in (try? r.get()).map { (id, $0) } }
            #expect(won.count == 1, "version \(version): \(won.count) winners")
            if let (id, result) = won.first {
                winners.append(id)
                #expect(result.streamVersions == [stream: version + 1])
                #expect(result.positions == [version + 1])
            }
            for case (_, .failure(let error)) in outcomes {
                #expect(error == .wrongExpectedVersion(stream: stream, expected: .exact(version), actual: version + 1))
            }
            #expect(log.streamVersion(stream) == version + 1)
        }
        let stored = try log.readStream(stream)
        #expect(stored.map(\.id) == winners)
        #expect(stored.map(\.streamVersion) == Array(1...6))
        #expect(log.head().position == 6)
        #expect(log.verify().isIntact)
    }

    @Test("given many tasks appending with .any to one stream, then every event gets its own version, without gaps")
    func anyUnderConcurrency() async throws {
        let tmp = TemporaryDirectory("expected-any")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<40 {
                group.addTask {
                    _ = try await log.append(stream: "busy", expectedVersion: .any, events: Fixture.events(1 + i % 3, prefix: "t\(i)-"))
                }
            }
            try await group.waitForAll()
        }
        let stored = try log.readStream("busy")
        let total = (0..<40).reduce(0) { $0 + 1 + $1 % 3 }
        #expect(stored.count == total)
        #expect(stored.map(\.streamVersion) == Array(1...UInt64(total)))
        #expect(stored.map(\.position) == Array(1...UInt64(total)))
    }
}
