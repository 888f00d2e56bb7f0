import EventLog
import Foundation
import Testing

/// Given events already in the log, when the same event ids are appended again, then the log
/// returns the original result (positions, versions, commit head) with `wasAlreadyStored` and
/// writes nothing, also late, after reopen and with a missing, stale or damaged index; when only
/// some of the ids are stored, the append is refused. An event id is stored at most once.
@Suite("Idempotent re-append")
struct IdempotentAppendTests {
    @Test("given a stored append, when retried unchanged (even with its now-stale .noStream), then the original result with wasAlreadyStored and the head does not move")
    func retryReturnsOriginal() async throws {
        let tmp = TemporaryDirectory("idem")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        _ = try await log.append(stream: "other", expectedVersion: .any, events: Fixture.events(3))
        let events = Fixture.events(2, prefix: "m")
        let original = try await log.append(stream: "member-1", expectedVersion: .noStream, events: events)
        #expect(original.positions == [4, 5])
        #expect(original.wasAlreadyStored == false)
        _ = try await log.append(stream: "member-1", expectedVersion: .exact(2), events: Fixture.events(1, prefix: "later"))
        let head = log.head()

        let retry = try await log.append(stream: "member-1", expectedVersion: .noStream, events: events)
        #expect(retry.wasAlreadyStored)
        #expect(retry.positions == original.positions)
        #expect(retry.streamVersions == original.streamVersions)
        #expect(retry.head == original.head)
        #expect(log.head() == head)
        #expect(log.streamVersion("member-1") == 3)

        // An append made with .any, retried unchanged.
        let anyEvents = Fixture.events(2, prefix: "any")
        let anyOriginal = try await log.append(stream: "member-1", expectedVersion: .any, events: anyEvents)
        let anyRetry = try await log.append(stream: "member-1", expectedVersion: .any, events: anyEvents)
        #expect(anyRetry.wasAlreadyStored)
        #expect(anyRetry.positions == anyOriginal.positions)
        #expect(anyRetry.head == anyOriginal.head)
        #expect(log.head() == anyOriginal.head)
        #expect(try Fixture.allEvents(log).count == 8)
    }

    /// Appends `event` to "ledger" with `expected`, then `later` more events to the same stream,
    /// then retries the first call unchanged; returns the original result, the retry's result,
    /// the head before the retry and how often the id is stored afterwards.
    static func lateRetry(_ expected: ExpectedVersion, later: Int) async throws -> (AppendResult, AppendResult, LogHead, LogHead, Int) {
        let tmp = TemporaryDirectory("idem-late")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(durability: .none))
        defer { try? log.close() }
        let event = Fixture.event("payment-received")
        let original = try await log.append(stream: "ledger", expectedVersion: expected, events: [event])
        for i in 0..<later {
            _ = try await log.append(stream: "ledger", expectedVersion: .any, events: [Fixture.event("entry-\(i)")])
        }
        let head = log.head()
        // The client never saw the first answer (a timeout) and retries the same call.
        let retry = try await log.append(stream: "ledger", expectedVersion: expected, events: [event])
        let copies = try Fixture.allEvents(log).filter { $0.id == event.id }.count
        return (original, retry, head, log.head(), copies)
    }

    @Test("given an append with .noStream or .exact, when retried unchanged after 100 more events in its stream, then the original result (any age)",
          arguments: [ExpectedVersion.noStream, .exact(0)])
    func lateRetryWithExactVersion(expected: ExpectedVersion) async throws {
        let (original, retry, headBefore, headAfter, copies) = try await Self.lateRetry(expected, later: 100)
        #expect(retry.wasAlreadyStored)
        #expect(retry.positions == original.positions)
        #expect(retry.head == original.head)
        #expect(headAfter == headBefore)
        #expect(copies == 1)
    }

    @Test("given an append with .any, when retried unchanged after 50 more events in its stream, then the original result")
    func retryWithAnyInsideTheWindow() async throws {
        let (original, retry, headBefore, headAfter, copies) = try await Self.lateRetry(.any, later: 50)
        #expect(retry.wasAlreadyStored)
        #expect(retry.positions == original.positions)
        #expect(headAfter == headBefore)
        #expect(copies == 1)
    }

    // The tests below state DESIGN.md ("re-appending an event id that is already in the log
    // returns the original result instead of writing twice") for ids anywhere in the log.

    @Test("given an event appended with .any, when the unchanged append is retried after 100 more events in its stream, then nothing is written twice")
    func lateRetryWithAnyInABusyStream() async throws {
        let (original, retry, headBefore, headAfter, copies) = try await Self.lateRetry(.any, later: 100)
        #expect(retry.wasAlreadyStored, "the retry was written again at \(retry.positions)")
        #expect(retry.positions == original.positions)
        #expect(headAfter == headBefore)
        #expect(copies == 1)
    }

    @Test("given an event id stored in one stream, when the same id is appended to another stream, then the log does not hold it twice")
    func sameIDInAnotherStream() async throws {
        let tmp = TemporaryDirectory("idem-cross")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        let event = Fixture.event("member-registered")
        let original = try await log.append(stream: "member-1", expectedVersion: .noStream, events: [event])
        let head = log.head()
        // Either the original result or a refusal would do; a second copy does not.
        let again = try? await log.append(stream: "member-2", expectedVersion: .noStream, events: [event])
        let copies = try Fixture.allEvents(log).filter { $0.id == event.id }.count
        if let again {
            #expect(again.wasAlreadyStored && again.positions == original.positions,
                    "event id \(event.id) was stored a second time at \(again.positions)")
            #expect(again.streamVersions == original.streamVersions)
        }
        #expect(log.head() == head)
        #expect(copies == 1)
    }

    @Test("given events stored before a reopen, when their ids are appended again (other stream, any expected version, alone or with new events), then the original result or partiallyStored, and nothing is written")
    func retriesAfterReopen() async throws {
        let tmp = TemporaryDirectory("idem-reopen")
        defer { tmp.remove() }
        let first = try EventLog.open(directory: tmp.path)
        let old = Fixture.events(3, prefix: "old")
        let original = try await first.append(stream: "tender-1", expectedVersion: .noStream, events: old)
        for i in 0..<500 {
            _ = try await first.append(stream: "filler-\(i % 7)", expectedVersion: .any, events: [Fixture.event("f\(i)")])
        }
        try first.close()
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        let head = log.head()

        let elsewhere = try await log.append(stream: "tender-2", expectedVersion: .exact(7), events: old)
        #expect(elsewhere.wasAlreadyStored)
        #expect(elsewhere.positions == original.positions)
        #expect(elsewhere.streamVersions == ["tender-1": 3])

        await #expect(throws: LogError.self) {
            _ = try await log.append(stream: "tender-1", expectedVersion: .any, events: [old[1], Fixture.event("new")])
        }
        await #expect(throws: LogError.self) {
            _ = try await log.append(stream: "tender-1", expectedVersion: .any, events: [old[0], old[2]])
        }
        #expect(log.head() == head)

        // Within one group: the same id accepted by one call and retried by a concurrent one.
        let fresh = Fixture.event("fresh")
        async let a = log.append(stream: "x", expectedVersion: .any, events: [fresh])
        async let b = log.append(stream: "y", expectedVersion: .any, events: [fresh])
        let (ra, rb) = try await (a, b)
        #expect(ra.positions == rb.positions)
        #expect(ra.wasAlreadyStored != rb.wasAlreadyStored)
        #expect(try Fixture.allEvents(log).filter { $0.id == fresh.id }.count == 1)
    }

    @Test("given a stored multi-stream append, when retried, then the original result")
    func multiStreamRetry() async throws {
        let tmp = TemporaryDirectory("idem-multi")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        let appends = [StreamAppend(stream: "a", expectedVersion: .noStream, events: Fixture.events(2, prefix: "a")),
                       StreamAppend(stream: "b", expectedVersion: .noStream, events: Fixture.events(1, prefix: "b"))]
        let original = try await log.append(appends)
        let retry = try await log.append(appends)
        #expect(retry.wasAlreadyStored)
        #expect(retry.positions == original.positions)
        #expect(retry.streamVersions == original.streamVersions)
        #expect(log.head() == original.head)
    }

    @Test("given 20 tasks sending the same new append at once (a retry storm), then it is stored once and every caller gets the same positions")
    func concurrentIdenticalAppends() async throws {
        let tmp = TemporaryDirectory("idem-storm")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        for round in 0..<5 {
            let appends = [StreamAppend(stream: "order-\(round)", expectedVersion: .noStream, events: Fixture.events(3, prefix: "o\(round)-")),
                           StreamAppend(stream: "audit", expectedVersion: .any, events: [Fixture.event("a\(round)")])]
            let head = log.head()
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0..<20 { group.addTask { try await log.append(appends) } }
                var all: [AppendResult] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.filter { !$0.wasAlreadyStored }.count == 1, "round \(round): \(results.filter { !$0.wasAlreadyStored }.count) callers wrote")
            #expect(Set(results.map(\.positions)) == [Array(head.position + 1...head.position + 4)], "round \(round)")
            #expect(Set(results.map(\.head)).count == 1, "round \(round)")
            #expect(log.head().position == head.position + 4, "round \(round)")
        }
        let ids = try Fixture.allEvents(log).map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(log.verify().isIntact)
    }

    @Test("given stored events, when one append mixes stored and new ids, then partiallyStored and nothing is written")
    func partialOverlap() async throws {
        let tmp = TemporaryDirectory("idem-partial")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        let stored = Fixture.events(2)
        _ = try await log.append(stream: "s", expectedVersion: .noStream, events: stored)
        let head = log.head()

        await #expect(throws: LogError.partiallyStored(eventID: stored[1].id.uuidString, position: 2)) {
            try await log.append(stream: "s", expectedVersion: .any, events: [stored[1], Fixture.event("new")])
        }
        // The overlap may also be in another stream of a multi-stream append.
        do {
            _ = try await log.append([StreamAppend(stream: "t", expectedVersion: .any, events: [Fixture.event("t1")]),
                                      StreamAppend(stream: "s", expectedVersion: .any, events: [stored[0]])])
            Issue.record("a multi-stream append with one stored id was admitted")
        } catch let error as LogError {
            guard case .partiallyStored = error else { Issue.record("expected partiallyStored, got \(error)"); return }
        }
        #expect(log.head() == head)
        #expect(log.streamVersion("t") == 0)

        // The same id twice in one call.
        let twice = Fixture.event("twice")
        await #expect(throws: LogError.self) {
            try await log.append(stream: "u", expectedVersion: .any, events: [twice, twice])
        }
        #expect(log.head() == head)
    }

    enum IndexState: String, CaseIterable {
        case persisted, deleted, stale
        /// Cut in half, as by a crash while `close()` wrote it.
        case truncated
        /// Same length, some bytes overwritten.
        case garbled
    }

    @Test("given stored events, when the log is reopened (index persisted, deleted, stale, truncated or garbled) and they are retried, then the original result", arguments: IndexState.allCases)
    func retryAfterReopen(index: IndexState) async throws {
        let tmp = TemporaryDirectory("idem-reopen")
        defer { tmp.remove() }
        let indexPath = tmp.path + "/index/streams.idx"
        var log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 4096))
        // Half the appends with .any, half with the exact version; each is retried unchanged.
        var results: [(StreamAppend, AppendResult)] = []
        func appendOne(_ i: Int) async throws {
            let stream = "s\(i % 4)"
            let expected: ExpectedVersion = i % 2 == 0 ? .any : .exact(log.streamVersion(stream))
            let a = StreamAppend(stream: stream, expectedVersion: expected, events: Fixture.events(1 + i % 3, prefix: "r\(i)-"))
            results.append((a, try await log.append([a])))
        }
        for i in 0..<30 { try await appendOne(i) }
        try log.close()
        let staleIndex = try? Files.read(indexPath)
        log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 4096))
        for i in 30..<60 { try await appendOne(i) }
        let head = log.head()
        try log.close()
        switch index {
        case .persisted: break
        case .deleted: try? FileManager.default.removeItem(atPath: indexPath)
        case .stale:
            let stale = try #require(staleIndex, "the first close wrote no index file at \(indexPath)")
            try Files.write(stale, to: indexPath)
        case .truncated:
            let bytes = try Files.read(indexPath)
            try Files.write(Array(bytes.prefix(bytes.count / 2)), to: indexPath)
        case .garbled:
            var bytes = try Files.read(indexPath)
            for i in stride(from: bytes.count / 3, to: bytes.count, by: 97) { bytes[i] ^= 0xA5 }
            try Files.write(bytes, to: indexPath)
        }

        let reopened = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 4096))
        defer { try? reopened.close() }
        #expect(reopened.head() == head)
        for (append, original) in results {
            let retry = try await reopened.append([append])
            #expect(retry.wasAlreadyStored, "\(original.positions)")
            #expect(retry.positions == original.positions)
            #expect(retry.streamVersions == original.streamVersions)
            #expect(retry.head == original.head)
        }
        #expect(reopened.head() == head)
        for s in 0..<4 {
            #expect(try reopened.readStream("s\(s)").map(\.streamVersion) == Array(1...reopened.streamVersion("s\(s)")))
        }
        let next = try await reopened.append(stream: "s0", expectedVersion: .exact(reopened.streamVersion("s0")), events: [Fixture.event("next")])
        #expect(next.positions == [head.position + 1])
    }
}
