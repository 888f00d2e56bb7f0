import EventLog
import Foundation
import Testing

/// Given a log, when a single byte is flipped anywhere before the tail (a sealed segment's
/// header, reserved bytes, dictionary records, batch headers, block tables, compressed data, or
/// a batch in the middle of the last segment), then the damage is never silent: either the
/// writable open refuses with a corruption error, or verify() reports the log as not intact.
/// (Opening and silently dropping the damaged batch and everything after it counts as silent.)
@Suite("Flipped byte")
struct FlippedByteTests {
    enum Outcome: Hashable { case openRefused, verifyFailed, silent }

    /// Builds a log of small commits until it has `segments` segment files.
    static func build(_ directory: String, segmentSize: Int, segments: Int) async throws {
        let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: segmentSize, durability: .none))
        var rng = SeededRandom(seed: 9)
        var i = 0
        while try SegmentLayout.segmentPaths(ofLog: directory).count < segments || i < 12 {
            let payload = i % 2 == 0 ? rng.bytes(60) : Array("{\"skill\":\"schilder\",\"wijk\":\"Wyck\",\"n\":\(i)}".utf8)
            _ = try await log.append(stream: "s\(i % 4)", expectedVersion: .any,
                                     events: [Fixture.event("f\(i)", payload: payload), Fixture.event("g\(i)")])
            i += 1
            try #require(i < 5_000)
        }
        try log.close()
    }

    /// Flips each byte at `offsets` of `segmentPath`'s file (in a working copy of `original`),
    /// opens the log writable and verifies it; records an issue for every silent outcome.
    static func flipEach(_ offsets: [Int], of segmentPath: String, original: String, scratch: String) throws -> [Outcome: Int] {
        let name = URL(fileURLWithPath: segmentPath).lastPathComponent
        let pristine = try Files.read(segmentPath)
        let layout = try SegmentLayout(pristine)
        let head = try { () throws -> LogHead in
            let log = try EventLog.open(directory: original, options: Fixture.options(readOnly: true))
            defer { try? log.close() }
            return log.head()
        }()
        try Files.copyDirectory(original, to: scratch)
        let workSegment = scratch + "/segments/" + name
        var outcomes: [Outcome: Int] = [:]
        for offset in offsets {
            var damaged = pristine
            damaged[offset] ^= 0x5A
            try Files.write(damaged, to: workSegment)
            let record = layout.records.first { $0.offset <= offset && offset < $0.end }
            let place = "byte \(offset) of \(name) (\(record.map { "\($0.kind) record at \($0.offset)" } ?? "segment header"))"
            var outcome = Outcome.silent
            do {
                let opened = try EventLog.open(directory: scratch, options: Fixture.options(segmentSize: 4096))
                let report = opened.verify()
                outcome = report.isIntact ? .silent : .verifyFailed
                if report.isIntact && opened.head() != head {
                    Issue.record("flipping \(place): the log opened at \(opened.head().position) instead of \(head.position), dropping committed events")
                }
                try? opened.close()
                // The open may have cut or rewritten files: start the next offset from a clean copy.
                try FileManager.default.removeItem(atPath: scratch)
                try Files.copyDirectory(original, to: scratch)
            } catch let error as LogError {
                switch error {
                case .corruptBatch(let segment, _, _, _), .corruptSegment(let segment, _):
                    #expect(segment.contains(name) || name.contains(segment), "flipping \(place): the error names \(segment): \(error)")
                case .unsupportedFormat:
                    break
                default:
                    Issue.record("flipping \(place): open failed with a non-corruption error: \(error)")
                }
                outcome = .openRefused
            }
            if outcome == .silent { Issue.record("flipping \(place) went unnoticed") }
            outcomes[outcome, default: 0] += 1
        }
        return outcomes
    }

    @Test("given a sealed segment, when each of its bytes is flipped in turn, then open fails with a corruption error or verify fails")
    func everyByteOfASealedSegment() async throws {
        let tmp = TemporaryDirectory("flip-sealed")
        defer { tmp.remove() }
        let original = tmp.sub("original")
        // A segment size that holds several small commits (the engine reserves room for a full
        // 64 KiB dictionary when deciding to roll). The second segment is sealed and starts
        // with a dictionary record when the engine writes one there.
        try await Self.build(original, segmentSize: 67 << 10, segments: 3)
        let target = try SegmentLayout.segmentPaths(ofLog: original)[1]
        let layout = try SegmentLayout(try Files.read(target))
        #expect(layout.batches.count >= 3, "the sealed segment holds \(layout.batches.count) batches")

        // Every byte, except inside long dictionaries only their first and last 128 bytes
        // (the dictionary's bytes are all alike to the CRC; this keeps the test fast).
        var offsets = Array(0..<SegmentLayout.headerSize)
        for r in layout.records {
            if r.kind == .dictionary && r.length > SegmentLayout.dictHeaderSize + 256 {
                offsets += Array(r.offset..<r.offset + SegmentLayout.dictHeaderSize + 128) + Array(r.end - 128..<r.end)
            } else {
                offsets += Array(r.offset..<r.end)
            }
        }
        let outcomes = try Self.flipEach(offsets, of: target, original: original, scratch: tmp.sub("work"))
        #expect(outcomes[.silent] == nil, "\(outcomes)")
    }

    @Test("given the last segment, when a byte of a batch that has valid batches after it is flipped, then the open refuses or verify fails: it is not a torn tail")
    func middleBatchOfTheLastSegment() async throws {
        let tmp = TemporaryDirectory("flip-last")
        defer { tmp.remove() }
        let original = tmp.sub("original")
        try await Self.build(original, segmentSize: 128 << 20, segments: 1)
        let target = try #require(try SegmentLayout.segmentPaths(ofLog: original).last)
        let batches = try SegmentLayout(try Files.read(target)).batches
        try #require(batches.count >= 6)
        // Every byte of two batches in the middle and of the last-but-one batch.
        let chosen = [batches[2], batches[batches.count / 2], batches[batches.count - 2]]
        let offsets = chosen.flatMap { Array($0.offset..<$0.end) }
        let outcomes = try Self.flipEach(offsets, of: target, original: original, scratch: tmp.sub("work"))
        #expect(outcomes[.silent] == nil, "\(outcomes)")
    }
}
