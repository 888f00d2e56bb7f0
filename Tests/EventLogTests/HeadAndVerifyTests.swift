import EventLog
import Foundation
import Testing

/// Given a log, the head is the last committed position and the chain hash after it; verify()
/// recomputes the whole chain and finds it intact; verify(upTo:) accepts an earlier head an
/// auditor noted down and rejects a digest whose hash or position is wrong.
@Suite("Head and verify")
struct HeadAndVerifyTests {
    @Test("given an empty log, then the head is 0 with the zero hash and verify is intact")
    func emptyLog() throws {
        let tmp = TemporaryDirectory("head-empty")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path)
        defer { try? log.close() }
        #expect(log.head() == .empty)
        #expect(log.head().hash == .zero)
        let report = log.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 0)
        #expect(log.verify(upTo: .empty).isIntact)
    }

    @Test("given appends, then head() follows each commit, verify() is intact, earlier heads verify and wrong digests fail")
    func headsAndDigests() async throws {
        let tmp = TemporaryDirectory("head-verify")
        defer { tmp.remove() }
        let options = Fixture.options(segmentSize: 4096)
        let log = try EventLog.open(directory: tmp.path, options: options)
        var heads: [LogHead] = []
        var rng = SeededRandom(seed: 11)
        for i in 0..<60 {
            let count = 1 + i % 4
            let r = try await log.append(stream: "s\(i % 5)", expectedVersion: .any,
                                         events: (0..<count).map { Fixture.event("h\(i)-\($0)", payload: rng.bytes(120)) })
            #expect(r.head == log.head())
            #expect(r.head.position == r.positions.last)
            #expect(!heads.contains { $0.hash == r.head.hash }, "chain hashes repeat")
            heads.append(r.head)
        }
        let head = log.head()
        #expect(head.position == UInt64((0..<60).reduce(0) { $0 + 1 + $1 % 4 }))
        #expect(LogHead(digest: head.description) == head)
        #expect(LogHead(digest: "\(head.position):\(head.hash.hex)") == head)

        let full = log.verify()
        #expect(full.isIntact, "\(full)")
        #expect(full.eventsChecked == head.position)
        #expect(full.verifiedHead == head)
        #expect(full.failure == nil)

        for earlier in [heads[0], heads[7], heads[31], heads[58], head] {
            let report = log.verify(upTo: earlier)
            #expect(report.isIntact, "verify(upTo: \(earlier)): \(report)")
            #expect(report.verifiedHead == earlier)
        }

        var wrongHash = heads[20]
        wrongHash.hash = ChainHash(bytes: wrongHash.hash.bytes.map { $0 ^ 0x01 })!
        let wrong = log.verify(upTo: wrongHash)
        #expect(wrong.isIntact == false)
        #expect(wrong.failure != nil)
        #expect(log.verify(upTo: LogHead(position: heads[20].position, hash: heads[21].hash)).isIntact == false)
        // A position that is not the end of a commit (heads[3] ends a 4-event commit).
        #expect(log.verify(upTo: LogHead(position: heads[3].position - 1, hash: heads[3].hash)).isIntact == false)
        // A position beyond the head.
        #expect(log.verify(upTo: LogHead(position: head.position + 1, hash: head.hash)).isIntact == false)
        try log.close()

        // After reopen: same head, same verdicts.
        let reopened = try EventLog.open(directory: tmp.path, options: options)
        #expect(reopened.head() == head)
        #expect(reopened.verify().isIntact)
        #expect(reopened.verify(upTo: heads[31]).isIntact)
        #expect(reopened.verify(upTo: wrongHash).isIntact == false)
        try reopened.close()
    }

    @Test("given appends in progress, when verify() runs meanwhile, then every report is intact and reaches at least the head at its start")
    func verifyWhileAppending() async throws {
        let tmp = TemporaryDirectory("verify-concurrent")
        defer { tmp.remove() }
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 16 << 10))
        defer { try? log.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for i in 0..<60 {
                        _ = try await log.append(stream: "t\(t)", expectedVersion: .any, events: Fixture.events(1 + i % 2, prefix: "t\(t)-\(i)-"))
                    }
                }
            }
            group.addTask {
                for _ in 0..<20 {
                    let before = log.head()
                    let report = log.verify()
                    #expect(report.isIntact, "\(report)")
                    #expect(report.verifiedHead.position >= before.position)
                    #expect(log.verify(upTo: before).isIntact)
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }
        #expect(log.verify().verifiedHead == log.head())
    }
}
