import EventLog
import Foundation
import Testing

/// Given a log whose last commit was only partly written (a crash mid-write), for every byte
/// offset at which the last segment can end inside that commit: the log opens (read-only without
/// cutting anything; writable cutting the torn tail), the head is the previous commit's last
/// position and hash, verify() is intact, and the lost commit can be appended again (same ids,
/// not mistaken for stored) and verifies.
@Suite("Torn tail")
struct TornTailTests {
    struct Built {
        var directory: String
        var lastSegment: String
        /// Byte range of the torn region candidates in the last segment.
        var cut: Range<Int>
        var previousHead: LogHead
        var lastCommit: StreamAppend
    }

    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        /// Many commits in one segment; every offset inside the last batch record.
        case lastBatchOfSegment
        /// The last segment holds a single batch: every offset of that segment, its header included.
        case freshlyRolledSegment
        var testDescription: String { rawValue }
    }

    static func build(_ shape: Shape, in directory: String) async throws -> Built {
        var rng = SeededRandom(seed: 5)
        func proposal(_ i: Int) -> StreamAppend {
            StreamAppend(stream: "s\(i % 3)", expectedVersion: .any, events: (0..<(1 + i % 3)).map {
                Fixture.event("b\(i)-\($0)", payload: rng.bytes(40 + i % 16 * 10))
            })
        }
        // The last commit: several events, compressible and not, one without metadata or payload.
        let last = StreamAppend(stream: "last", expectedVersion: .noStream, events: [
            Fixture.event("l0", payload: Array(String(repeating: "maastricht ", count: 30).utf8)),
            Fixture.event("l1", payload: rng.bytes(150)),
            Fixture.event("l2", type: "Other", metadata: [:], payload: []),
        ])

        switch shape {
        case .lastBatchOfSegment:
            let log = try EventLog.open(directory: directory)
            for i in 0..<16 { _ = try await log.append([proposal(i)]) }
            let previous = log.head()
            let result = try await log.append([last])
            try log.close()
            let path = try #require(try SegmentLayout.segmentPaths(ofLog: directory).last)
            let bytes = try Files.read(path)
            let batch = try #require(try SegmentLayout(bytes).records.last)
            try #require(batch.kind == .batch && batch.firstPosition == result.positions[0] && batch.end == bytes.count)
            return Built(directory: directory, lastSegment: path, cut: batch.offset..<batch.end,
                         previousHead: previous, lastCommit: last)

        case .freshlyRolledSegment:
            // Small segments; append until a commit (after the first few) lands alone at the
            // start of a new segment.
            let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 4096))
            for i in 0..<200 {
                let previous = log.head()
                let commit = proposal(i)
                let result = try await log.append([commit])
                let path = try #require(try SegmentLayout.segmentPaths(ofLog: directory).last)
                let layout = try SegmentLayout(try Files.read(path))
                if i >= 3 && layout.batches.count == 1 && layout.batches[0].firstPosition == result.positions[0] {
                    try log.close()
                    return Built(directory: directory, lastSegment: path, cut: 0..<(try Files.size(path)),
                                 previousHead: previous, lastCommit: commit)
                }
            }
            throw SegmentLayout.ParseError(description: "no segment roll")
        }
    }

    @Test("given a torn last commit, for every byte offset, then the log opens at the previous head, verifies, and takes the commit again",
          arguments: Shape.allCases)
    func everyOffset(shape: Shape) async throws {
        let tmp = TemporaryDirectory("torn")
        defer { tmp.remove() }
        let built = try await Self.build(shape, in: tmp.sub("original"))
        let segmentName = URL(fileURLWithPath: built.lastSegment).lastPathComponent
        let previous = built.previousHead
        var failures = 0

        for offset in built.cut {
            let dir = tmp.sub("cut-\(offset)")
            try Files.copyDirectory(built.directory, to: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let segment = dir + "/segments/" + segmentName
            try Files.truncate(segment, to: offset)
            let context = "\(shape) cut at byte \(offset) of \(segmentName) (torn region \(built.cut))"

            // Read-only: opens at the previous head and leaves the file alone.
            do {
                let readOnly = try EventLog.open(directory: dir, options: Fixture.options(readOnly: true))
                #expect(readOnly.head() == previous, "\(context) read-only")
                #expect(readOnly.verify().isIntact, "\(context) read-only")
                try readOnly.close()
                #expect(try Files.size(segment) == offset, "\(context): a read-only open changed the file")
            } catch {
                Issue.record("\(context): read-only open failed: \(error)")
                failures += 1
            }

            // Writable: cuts the tail, verifies, and takes the lost commit again as new.
            do {
                let log = try EventLog.open(directory: dir)
                #expect(log.head() == previous, "\(context)")
                let report = log.verify()
                #expect(report.isIntact && report.verifiedHead == previous, "\(context): \(report)")
                let again = try await log.append([built.lastCommit])
                #expect(again.wasAlreadyStored == false, "\(context): a lost event was taken for stored")
                #expect(again.positions == Array(previous.position + 1...previous.position + UInt64(built.lastCommit.events.count)), "\(context)")
                let after = log.verify()
                #expect(after.isIntact && after.verifiedHead == log.head(), "\(context) after re-append: \(after)")
                try log.close()
                // And it reopens cleanly with the re-appended commit.
                let reopened = try EventLog.open(directory: dir, options: Fixture.options(readOnly: true))
                #expect(reopened.head() == again.head, "\(context) after reopen")
                try reopened.close()
            } catch {
                Issue.record("\(context): \(error)")
                failures += 1
            }
            if failures > 20 { Issue.record("stopping after 20 failing offsets"); return }
        }
    }
}
