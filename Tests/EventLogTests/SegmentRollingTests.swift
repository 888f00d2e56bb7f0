import EventLog
import Foundation
import Testing

/// Given a small segment size, when many commits are appended, then the log rolls over into many
/// segment files whose headers continue each other, and every event reads back across segment
/// boundaries, also after reopen.
@Suite("Segment rolling")
struct SegmentRollingTests {
    @Test("given segmentSize 4096, when 400 events are appended in varied commits, then they span many segments and read back after reopen")
    func manySegments() async throws {
        let tmp = TemporaryDirectory("rolling")
        defer { tmp.remove() }
        let options = Fixture.options(segmentSize: 4096, durability: .none)
        let log = try EventLog.open(directory: tmp.path, options: options)
        var rng = SeededRandom(seed: 7)
        var appended: [ProposedEvent] = []
        var streams: [String] = []
        while appended.count < 400 {
            let count = Int.random(in: 1...6, using: &rng)
            let stream = "stream-\(Int.random(in: 0..<9, using: &rng))"
            let events = (0..<count).map { i in
                Fixture.event("r\(appended.count + i)", payload: rng.bytes(Int.random(in: 10...400, using: &rng)))
            }
            let result = try await log.append(stream: stream, expectedVersion: .any, events: events)
            #expect(result.positions.first == UInt64(appended.count + 1))
            appended += events
            streams += Array(repeating: stream, count: count)
        }
        // One commit larger than a whole segment.
        let huge = Fixture.event("huge", payload: rng.bytes(3 * 4096))
        let hugeResult = try await log.append(stream: "huge", expectedVersion: .noStream, events: [huge])
        appended.append(huge)
        streams.append("huge")
        #expect(hugeResult.positions == [UInt64(appended.count)])

        let head = log.head()
        #expect(head.position == UInt64(appended.count))
        #expect(log.verify().isIntact)
        try log.close()

        // The files: many segments, numbered from 1, each header continuing the previous one.
        let paths = try SegmentLayout.segmentPaths(ofLog: tmp.path)
        #expect(paths.count >= 10, "expected many segments, found \(paths.count)")
        #expect(paths.last?.hasSuffix(String(format: "%010d.seg", paths.count)) == true)
        var nextPosition: UInt64 = 1
        for (i, path) in paths.enumerated() {
            let layout = try SegmentLayout(try Files.read(path))
            #expect(layout.segmentNumber == UInt32(i + 1))
            #expect(layout.firstPosition == nextPosition)
            for batch in layout.batches {
                #expect(batch.firstPosition == nextPosition)
                nextPosition = batch.lastPosition + 1
            }
        }
        #expect(nextPosition == head.position + 1)

        let reopened = try EventLog.open(directory: tmp.path, options: options)
        #expect(reopened.head() == head)
        let all = try Fixture.allEvents(reopened)
        #expect(all.map(\.id) == appended.map(\.id))
        #expect(all.map(\.payload) == appended.map(\.payload))
        #expect(all.map(\.stream) == streams)
        for stream in Set(streams) {
            let ofStream = all.filter { $0.stream == stream }
            #expect(try reopened.readStream(stream) == ofStream)
            #expect(try reopened.readStream(stream, direction: .backward, maxCount: 5) == Array(ofStream.reversed().prefix(5)))
        }
        #expect(try reopened.statistics().segments == SegmentLayout.segmentPaths(ofLog: tmp.path).count)
        #expect(reopened.verify().isIntact)

        // Appending continues in the last segment / a new one.
        let more = try await reopened.append(stream: "after", expectedVersion: .noStream, events: Fixture.events(3))
        #expect(more.positions == [head.position + 1, head.position + 2, head.position + 3])
        #expect(reopened.verify().isIntact)
        try reopened.close()
    }
}
