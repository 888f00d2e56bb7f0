import EventLog
import Foundation
import Testing

/// Given events appended to a log, when they are read back by every read path (by position, as a
/// page, by fast scan, by stream forward and backward), then every field is what was written,
/// also after the log is closed and reopened.
@Suite("Round trips")
struct RoundTripTests {
    /// Events with edge cases: empty payload and metadata, many metadata keys, non-ASCII names,
    /// a payload larger than one LZ4 block, several schema versions.
    static func proposals() -> [(stream: String, events: [ProposedEvent])] {
        var rng = SeededRandom(seed: 42)
        return [
            ("member-1", [Fixture.event("a", type: "MemberRegistered"),
                          Fixture.event("b", type: "MemberProfileChanged", schemaVersion: 3)]),
            ("tender-Maastricht-Zuidoost-ü€", [Fixture.event("c", type: "TenderPublished", metadata: [:], payload: [])]),
            ("member-1", [Fixture.event("d", type: "BidSubmitted",
                                        metadata: Dictionary(uniqueKeysWithValues: (0..<20).map { ("key\($0)", "välue \($0)") }))]),
            ("big", [Fixture.event("e", type: "Large", payload: rng.bytes(200_000))]),
            ("member-2", (0..<10).map { Fixture.event("f\($0)", type: "T\($0 % 3)", schemaVersion: UInt32($0)) }),
            ("member-1", [Fixture.event("g", payload: Array(repeating: 0x41, count: 70_000))]),
            // One commit of many events: several LZ4 blocks in one batch.
            ("bulk", (0..<30).map { Fixture.event("h\($0)", type: "Bulk", payload: rng.bytes(1_000 + $0)) }),
            ("member-2", [Fixture.event("i")]),
        ]
    }

    /// Appends `proposals()` with a manual clock advancing 1 ms per commit; returns the expected
    /// stored events in position order.
    static func fill(_ log: EventLog, clock: ManualClock) async throws -> [RecordedEvent] {
        var expected: [RecordedEvent] = []
        var versions: [String: UInt64] = [:]
        var time: Int64 = 1_750_000_000_000_000
        for (stream, events) in proposals() {
            time += 1_000
            clock.set(time)
            let result = try await log.append(stream: stream, expectedVersion: .any, events: events)
            #expect(result.positions == Array(UInt64(expected.count + 1)...UInt64(expected.count + events.count)))
            #expect(result.wasAlreadyStored == false)
            for (event, position) in zip(events, result.positions) {
                versions[stream, default: 0] += 1
                expected.append(RecordedEvent(position: position, id: event.id, stream: stream,
                                              streamVersion: versions[stream]!, type: event.type,
                                              schemaVersion: event.schemaVersion,
                                              recordedAt: Timestamp(microsecondsSinceEpoch: time),
                                              metadata: event.metadata, payload: event.payload))
            }
            #expect(result.streamVersions == [stream: versions[stream]!])
            #expect(result.head.position == UInt64(expected.count))
        }
        return expected
    }

    /// Checks every read path against `expected`.
    static func checkReads(_ log: EventLog, _ expected: [RecordedEvent]) throws {
        let n = UInt64(expected.count)
        #expect(log.head().position == n)

        // event(at:)
        for e in expected { #expect(try log.event(at: e.position) == e) }

        // read(from:maxCount:) as one page, in small pages, and past the head
        #expect(try log.read(from: 1, maxCount: expected.count) == expected)
        #expect(try log.read(from: 1, maxCount: .max) == expected)
        var paged: [RecordedEvent] = []
        var next: UInt64 = 1
        while next <= n {
            let page = try log.read(from: next, maxCount: 4)
            #expect(page.count == min(4, Int(n - next + 1)))
            paged += page
            next += UInt64(max(page.count, 1))
        }
        #expect(paged == expected)
        #expect(try log.read(from: 5, maxCount: 3) == Array(expected[4..<7]))
        #expect(try log.read(from: n, maxCount: 10) == [expected.last!])
        #expect(try log.read(from: n + 1, maxCount: 10).isEmpty)
        #expect(try log.read(from: 1, maxCount: 0).isEmpty)

        // forEachEvent: every field of the view, then materialize, with and without `through`
        var scanned: [RecordedEvent] = []
        try log.forEachEvent(from: 1) { view in
            let e = expected[Int(view.position) - 1]
            #expect(view.id == e.id)
            #expect(view.streamVersion == e.streamVersion)
            #expect(view.schemaVersion == e.schemaVersion)
            #expect(view.recordedAt == e.recordedAt)
            #expect(view.stream == e.stream)
            #expect(view.type == e.type)
            #expect(Array(view.streamBytes) == Array(e.stream.utf8))
            #expect(Array(view.typeBytes) == Array(e.type.utf8))
            #expect(Array(view.payload) == e.payload)
            scanned.append(view.materialize())
        }
        #expect(scanned == expected)
        var window: [UInt64] = []
        try log.forEachEvent(from: 3, through: 6) { window.append($0.position) }
        #expect(window == [3, 4, 5, 6])
        // A window inside the many-block commit, from and to the middle of blocks.
        let bulk = expected.filter { $0.stream == "bulk" }.map(\.position)
        window = []
        try log.forEachEvent(from: bulk[5], through: bulk[22]) { window.append($0.position) }
        #expect(window == Array(bulk[5...22]))
        #expect(try log.read(from: bulk[7], maxCount: 13) == expected.filter { (bulk[7]...bulk[19]).contains($0.position) })

        // readStream forward and backward, from a version, with maxCount
        for stream in Set(expected.map(\.stream)) {
            let ofStream = expected.filter { $0.stream == stream }
            let v = UInt64(ofStream.count)
            #expect(log.streamVersion(stream) == v)
            #expect(try log.readStream(stream) == ofStream)
            #expect(try log.readStream(stream, direction: .backward) == ofStream.reversed())
            for from in 1...v {
                #expect(try log.readStream(stream, from: from) == Array(ofStream[Int(from - 1)...]))
                #expect(try log.readStream(stream, from: from, direction: .backward) == ofStream[..<Int(from)].reversed())
                #expect(try log.readStream(stream, from: from, maxCount: 2) == Array(ofStream[Int(from - 1)..<min(Int(from + 1), ofStream.count)]))
                #expect(try log.readStream(stream, from: from, direction: .backward, maxCount: 2)
                        == ofStream[max(0, Int(from) - 2)..<Int(from)].reversed())
            }
            #expect(try log.readStream(stream, from: v + 1).isEmpty)
        }
        #expect(try log.readStream("no-such-stream").isEmpty)
        #expect(try log.readStream("no-such-stream", direction: .backward).isEmpty)
        #expect(log.streamVersion("no-such-stream") == 0)
    }

    @Test("given appended events, when read back by every path, then every field matches; also after reopen")
    func everyFieldReadsBack() async throws {
        let tmp = TemporaryDirectory("roundtrip")
        defer { tmp.remove() }
        let clock = ManualClock()
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(clock: clock.reading))
        let expected = try await Self.fill(log, clock: clock)
        try Self.checkReads(log, expected)
        let head = log.head()
        try log.close()

        let reopened = try EventLog.open(directory: tmp.path, options: Fixture.options(clock: clock.reading))
        #expect(reopened.head() == head)
        try Self.checkReads(reopened, expected)
        try reopened.close()

        // Read-only open reads the same.
        let readOnly = try EventLog.open(directory: tmp.path, options: Fixture.options(readOnly: true))
        #expect(readOnly.head() == head)
        try Self.checkReads(readOnly, expected)
        try readOnly.close()
    }

    @Test("given a log, when reading positions outside 1...head, then positionOutOfRange")
    func positionsOutsideTheLog() async throws {
        let tmp = TemporaryDirectory("roundtrip-range")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        #expect(throws: LogError.self) { try log.event(at: 1) }
        _ = try await log.append(stream: "s", expectedVersion: .noStream, events: Fixture.events(3))
        #expect(throws: LogError.positionOutOfRange(position: 4, head: 3)) { try log.event(at: 4) }
        #expect(throws: LogError.self) { try log.event(at: 0) }
        try log.close()
        #expect(throws: LogError.closed) { try log.event(at: 1) }
    }
}
