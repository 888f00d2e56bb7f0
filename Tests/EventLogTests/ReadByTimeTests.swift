import EventLog
import Foundation
import Testing

/// Given commits recorded at known instants (an injected clock), when asking for the position in
/// force at an instant, then it is the last position recorded at or before that instant: 0 before
/// the first commit, the commit's last position at and after it, the head after the last.
@Suite("Reads by time")
struct ReadByTimeTests {
    static let t0: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00:00Z

    /// Commits (time offset in µs, event count). Two commits share an instant; one clock reading
    /// goes backwards and must be recorded as the previous time (recorded-at never decreases).
    static let commits: [(offset: Int64, count: Int)] = [(0, 1), (1_000, 3), (1_000, 2), (5_000, 1), (4_000, 2), (60_000_000, 4)]

    /// Expected (instant offset, position in force) pairs.
    static let probes: [(offset: Int64, position: UInt64)] = [
        (-1_000_000, 0), (-1, 0),
        (0, 1), (1, 1), (999, 1),
        (1_000, 6), (1_001, 6), (4_999, 6),
        (5_000, 9),  // the commit whose clock said 4_000 was recorded at 5_000
        (5_001, 9), (59_999_999, 9),
        (60_000_000, 13), (Int64(365) * 86_400_000_000, 13),
    ]

    func check(_ log: EventLog) {
        for probe in Self.probes {
            let instant = Timestamp(microsecondsSinceEpoch: Self.t0 + probe.offset)
            #expect(log.position(at: instant) == probe.position, "at \(instant) (t0 + \(probe.offset) µs)")
        }
    }

    @Test("given commits at known instants, when asking position(at:) before, at, between and after them, then the position in force",
          arguments: [4096, 128 << 20])
    func positionInForce(segmentSize: Int) async throws {
        let tmp = TemporaryDirectory("by-time")
        defer { tmp.remove() }
        let clock = ManualClock(Self.t0)
        let options = Fixture.options(segmentSize: segmentSize, clock: clock.reading)
        let log = try EventLog.open(directory: tmp.path, options: options)
        #expect(log.position(at: Timestamp(microsecondsSinceEpoch: Self.t0)) == 0)
        var rng = SeededRandom(seed: 3)
        for (i, commit) in Self.commits.enumerated() {
            clock.set(Self.t0 + commit.offset)
            _ = try await log.append(stream: "s\(i % 2)", expectedVersion: .any,
                                     events: (0..<commit.count).map { Fixture.event("c\(i)-\($0)", payload: rng.bytes(1500)) })
        }
        // recorded-at as stored: never decreasing, the backwards reading clamped.
        let times = try Fixture.allEvents(log).map { $0.recordedAt.microsecondsSinceEpoch - Self.t0 }
        #expect(times == [0, 1_000, 1_000, 1_000, 1_000, 1_000, 5_000, 5_000, 5_000, 60_000_000, 60_000_000, 60_000_000, 60_000_000])
        check(log)
        try log.close()

        // The time index is derived: rebuilt on reopen, the answers are the same.
        let reopened = try EventLog.open(directory: tmp.path, options: options)
        check(reopened)
        try reopened.close()
        let readOnly = try EventLog.open(directory: tmp.path, options: Fixture.options(readOnly: true))
        check(readOnly)
        try readOnly.close()
    }

    @Test("given imported events carrying their own recorded-at, then position(at:) resolves inside one commit")
    func importedTimesInsideOneCommit() async throws {
        let tmp = TemporaryDirectory("by-time-import")
        defer { tmp.remove() }
        let clock = ManualClock(Self.t0 + 1_000_000)
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(clock: clock.reading))
        defer { try? log.close() }
        let events = (0..<4).map { i in
            ProposedEvent(type: "Imported", payload: [UInt8(i)],
                          recordedAt: Timestamp(microsecondsSinceEpoch: Self.t0 + Int64(i) * 100))
        }
        _ = try await log.append(stream: "import", expectedVersion: .any, events: events)
        #expect(try Fixture.allEvents(log).map { $0.recordedAt.microsecondsSinceEpoch - Self.t0 } == [0, 100, 200, 300])
        #expect(log.position(at: Timestamp(microsecondsSinceEpoch: Self.t0 - 1)) == 0)
        #expect(log.position(at: Timestamp(microsecondsSinceEpoch: Self.t0 + 150)) == 2)
        #expect(log.position(at: Timestamp(microsecondsSinceEpoch: Self.t0 + 300)) == 4)

        // Importing earlier than the last recorded time is refused.
        await #expect(throws: LogError.self) {
            try await log.append(stream: "import", expectedVersion: .any,
                                 events: [ProposedEvent(type: "Imported", payload: [9], recordedAt: Timestamp(microsecondsSinceEpoch: Self.t0))])
        }
    }
}
