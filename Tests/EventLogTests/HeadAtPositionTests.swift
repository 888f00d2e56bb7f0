import EventLog
import Foundation
import Testing

/// Given a log of several commits across segments, `head(at:)` gives the chain hash after the
/// commit ending at a position (what an as-of report states), and nil inside a commit.
@Suite("Head at a position")
struct HeadAtPositionTests {
    @Test("given commits, then head(at:) of each commit end equals the head returned by its append; inside a commit it is nil")
    func headsAtCommitEnds() async throws {
        let tmp = TemporaryDirectory("head-at")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 4096))
        defer { try? log.close() }
        #expect(log.head(at: 0) == .empty)
        var heads: [LogHead] = []
        for i in 0..<40 {
            let r = try await log.append(stream: "s\(i % 3)", expectedVersion: .any,
                                         events: (0..<(1 + i % 3)).map { Fixture.event("a\(i)-\($0)") })
            heads.append(r.head)
        }
        for head in heads {
            #expect(log.head(at: head.position) == head)
            #expect(log.verify(upTo: log.head(at: head.position)).isIntact)
        }
        // The second commit holds positions 2 and 3: position 2 ends no commit.
        #expect(heads[1].position == 3)
        #expect(log.head(at: 2) == nil)
        #expect(log.head(at: log.head().position + 1) == nil)
    }
}
