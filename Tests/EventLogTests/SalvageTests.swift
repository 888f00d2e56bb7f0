import EventLog
import Foundation
import Testing

/// `LogSalvage` reads every batch that still verifies from a log that `EventLog.open` refuses,
/// and names exactly the positions it could not recover.
@Suite("Salvage")
struct SalvageTests {
    /// A log of 2-event commits spread over at least three 4 KiB segments; returns every event.
    static func build(_ directory: String) async throws -> [RecordedEvent] {
        let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 4096, durability: .none))
        var i = 0
        while try SegmentLayout.segmentPaths(ofLog: directory).count < 3 || i < 20 {
            _ = try await log.append(stream: "s\(i % 3)", expectedVersion: .any,
                                     events: [Fixture.event("a\(i)"), Fixture.event("b\(i)")])
            i += 1
            try #require(i < 5_000)
        }
        let all = try Fixture.allEvents(log)
        try log.close()
        return all
    }

    static func salvage(_ directory: String) throws -> (events: [RecordedEvent], commits: [UInt64], report: LogSalvage.Report) {
        var events: [RecordedEvent] = []
        var commits: [UInt64] = []
        let report = try LogSalvage.salvage(directory: directory) { e, commit in
            events.append(e)
            commits.append(commit)
        }
        return (events, commits, report)
    }

    @Test func anIntactLogIsSalvagedWhole() async throws {
        let temp = TemporaryDirectory("salvage")
        defer { temp.remove() }
        let all = try await Self.build(temp.path)

        let (events, commits, report) = try Self.salvage(temp.path)

        #expect(report.isComplete)
        #expect(report.findings.isEmpty)
        #expect(events == all)
        #expect(report.eventCount == UInt64(all.count))
        #expect(commits.enumerated().allSatisfy { i, c in c == UInt64(i + 1) - UInt64(i % 2) })
    }

    @Test func aFlippedByteInTheMiddleLosesOnlyItsCommit() async throws {
        // Given a log with one byte flipped inside a batch of the middle segment (open refuses),
        let temp = TemporaryDirectory("salvage")
        defer { temp.remove() }
        let all = try await Self.build(temp.path)
        let middle = try SegmentLayout.segmentPaths(ofLog: temp.path)[1]
        var bytes = try Files.read(middle)
        let layout = try SegmentLayout(bytes)
        let victim = layout.batches[layout.batches.count / 2]
        bytes[victim.offset + victim.length - 3] ^= 0x5A
        try Files.write(bytes, to: middle)
        #expect(throws: LogError.self) { try EventLog.open(directory: temp.path, options: Fixture.options(readOnly: true)) }

        // when it is salvaged,
        let before = try Files.read(middle)
        let (events, _, report) = try Self.salvage(temp.path)

        // then every other commit comes back, the lost one is named with its segment and offset,
        let lost = victim.firstPosition...victim.lastPosition
        #expect(events == all.filter { !lost.contains($0.position) })
        #expect(report.losses.count == 1)
        let loss = try #require(report.losses.first)
        #expect(loss.first == victim.firstPosition && loss.last == victim.lastPosition)
        #expect(loss.reason.contains(URL(fileURLWithPath: middle).lastPathComponent) && loss.reason.contains("offset \(victim.offset)"), "\(loss)")
        #expect(loss.reason.contains("checksum"), "\(loss)")
        // the chain gap is noted, and nothing on disk changed.
        #expect(report.findings.isEmpty || report.findings.allSatisfy { $0.contains("chain") })
        #expect(try Files.read(middle) == before)
    }

    @Test func aTornTailIsReportedWithThePositionsItClaimed() async throws {
        // Given a log whose last commit was cut short (a torn write),
        let temp = TemporaryDirectory("salvage")
        defer { temp.remove() }
        let all = try await Self.build(temp.path)
        let last = try #require(try SegmentLayout.segmentPaths(ofLog: temp.path).last)
        let layout = try SegmentLayout(try Files.read(last))
        let torn = try #require(layout.batches.last)
        try Files.truncate(last, to: torn.offset + torn.length - 10)

        // when it is salvaged,
        let (events, _, report) = try Self.salvage(temp.path)

        // then everything before the torn commit comes back and the torn commit is named.
        #expect(events == all.filter { $0.position < torn.firstPosition })
        let loss = try #require(report.losses.first)
        #expect(report.losses.count == 1)
        #expect(loss.first == torn.firstPosition && loss.last == torn.lastPosition, "\(loss)")
        #expect(loss.reason.contains("incomplete"), "\(loss)")
    }

    @Test func aMissingSegmentLosesExactlyItsPositions() async throws {
        // Given a log whose middle segment file is gone,
        let temp = TemporaryDirectory("salvage")
        defer { temp.remove() }
        let all = try await Self.build(temp.path)
        let middle = try SegmentLayout.segmentPaths(ofLog: temp.path)[1]
        let layout = try SegmentLayout(try Files.read(middle))
        let first = try #require(layout.batches.first).firstPosition
        let lastLost = try #require(layout.batches.last).lastPosition
        try FileManager.default.removeItem(atPath: middle)

        // when it is salvaged,
        let (events, _, report) = try Self.salvage(temp.path)

        // then the other segments come back and the lost range names the missing file.
        #expect(events == all.filter { $0.position < first || $0.position > lastLost })
        let loss = try #require(report.losses.first)
        #expect(report.losses.count == 1)
        #expect(loss.first == first && loss.last == lastLost, "\(loss)")
        #expect(loss.reason.contains(URL(fileURLWithPath: middle).lastPathComponent) && loss.reason.contains("missing"), "\(loss)")
    }
}
