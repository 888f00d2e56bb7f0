import EventLog
import Foundation
import Testing

/// Given a sealed (non-last) segment, when any single byte of it is flipped (header, reserved
/// bytes, dictionary records, batch headers, block tables, compressed data), then the damage is
/// never silent: either the writable open refuses with a corruption error, or verify() reports
/// the log as not intact.
@Suite("Flipped byte")
struct FlippedByteTests {
    enum Outcome: Hashable { case openRefused, verifyFailed, silent }

    @Test("given a sealed segment, when each of its bytes is flipped in turn, then open fails with a corruption error or verify fails")
    func everyByteOfASealedSegment() async throws {
        let tmp = TemporaryDirectory("flip")
        defer { tmp.remove() }
        let original = tmp.sub("original")
        // Small commits until there are three segments; the second one is sealed and (with most
        // engines' dictionary policy) starts with a dictionary record.
        let log = try EventLog.open(directory: original, options: Fixture.options(segmentSize: 4096, durability: .none))
        var rng = SeededRandom(seed: 9)
        var i = 0
        while try SegmentLayout.segmentPaths(ofLog: original).count < 3 {
            let payload = i % 2 == 0 ? rng.bytes(60) : Array("{\"skill\":\"schilder\",\"wijk\":\"Wyck\",\"n\":\(i)}".utf8)
            _ = try await log.append(stream: "s\(i % 4)", expectedVersion: .any,
                                     events: [Fixture.event("f\(i)", payload: payload), Fixture.event("g\(i)")])
            i += 1
            try #require(i < 2_000)
        }
        try log.close()

        let paths = try SegmentLayout.segmentPaths(ofLog: original)
        let target = paths[1]
        let name = URL(fileURLWithPath: target).lastPathComponent
        let pristine = try Files.read(target)
        let layout = try SegmentLayout(pristine)
        #expect(layout.batches.count >= 1)

        let work = tmp.sub("work")
        try Files.copyDirectory(original, to: work)
        let workSegment = work + "/segments/" + name
        var outcomes: [Outcome: Int] = [:]
        for offset in pristine.indices {
            var damaged = pristine
            damaged[offset] ^= 0x5A
            try Files.write(damaged, to: workSegment)
            var outcome = Outcome.silent
            do {
                let opened = try EventLog.open(directory: work, options: Fixture.options(segmentSize: 4096))
                outcome = opened.verify().isIntact ? .silent : .verifyFailed
                try? opened.close()
                // The open may have rewritten derived files: start the next offset from a clean copy.
                try FileManager.default.removeItem(atPath: work)
                try Files.copyDirectory(original, to: work)
            } catch let error as LogError {
                switch error {
                case .corruptBatch(let segment, _, _, _), .corruptSegment(let segment, _):
                    #expect(segment.contains(name) || name.contains(segment),
                            "flipped byte \(offset) of \(name): the error names \(segment): \(error)")
                    outcome = .openRefused
                case .unsupportedFormat:
                    outcome = .openRefused
                default:
                    Issue.record("flipped byte \(offset) of \(name): open failed with a non-corruption error: \(error)")
                    outcome = .openRefused
                }
            }
            if outcome == .silent {
                let record = layout.records.first { $0.offset <= offset && offset < $0.end }
                Issue.record("flipping byte \(offset) of \(name) (\(record.map { "\($0.kind) at \($0.offset)" } ?? "segment header")) went unnoticed")
            }
            outcomes[outcome, default: 0] += 1
        }
        #expect(outcomes[.silent] == nil, "\(outcomes)")
    }
}
