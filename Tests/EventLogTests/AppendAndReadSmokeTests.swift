import Foundation
import Testing
@testable import EventLog

@Suite struct AppendAndReadSmokeTests {
    static func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-\(UUID().uuidString)").path
        return d
    }

    @Test func givenEmptyLog_whenAppendingAndReopening_thenEverythingReadsBack() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try EventLog.open(directory: dir, options: .init(segmentSize: 8192))
        var heads: [LogHead] = []
        for i in 0..<300 {
            let r = try await log.append(stream: "s-\(i % 7)", expectedVersion: .any,
                                         events: [ProposedEvent(type: "T\(i % 3)", metadata: ["actor": "a\(i)"],
                                                                payload: Array("payload number \(i) with some text".utf8))])
            heads.append(r.head)
        }
        #expect(log.head().position == 300)
        let all = try log.read(from: 1, maxCount: 1000)
        #expect(all.count == 300)
        #expect(all.map(\.position) == Array(1...300))
        #expect(String(decoding: all[41].payload, as: UTF8.self) == "payload number 41 with some text")
        #expect(all[41].metadata == ["actor": "a41"])
        let s3 = try log.readStream("s-3")
        #expect(s3.count == 43)
        #expect(s3.map(\.streamVersion) == Array(1...43))
        let back = try log.readStream("s-3", direction: .backward, maxCount: 2)
        #expect(back.map(\.streamVersion) == [43, 42])
        let report = log.verify()
        #expect(report.isIntact, "\(report)")
        #expect(log.verify(upTo: heads[100]).isIntact)
        try log.close()

        let reopened = try EventLog.open(directory: dir, options: .init(segmentSize: 8192))
        #expect(reopened.head() == heads.last)
        #expect(try reopened.readStream("s-3").count == 43)
        #expect(reopened.streamVersion("s-6") == 42)
        let r = try await reopened.append(stream: "s-6", expectedVersion: .exact(42), events: [ProposedEvent(type: "X", payload: [1])])
        #expect(r.positions == [301])
        #expect(reopened.verify().isIntact)
        await #expect(throws: LogError.self) {
            try await reopened.append(stream: "s-6", expectedVersion: .exact(42), events: [ProposedEvent(type: "X", payload: [1])])
        }
        try reopened.close()
    }
}

extension AppendAndReadSmokeTests {
    @Test func givenStoredEvents_whenTheSameAppendIsRetried_thenTheOriginalResultComesBack() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try EventLog.open(directory: dir)
        let a = ProposedEvent(type: "A", payload: [1])
        let b = ProposedEvent(type: "B", payload: [2])
        let first = try await log.append(stream: "m-1", expectedVersion: .noStream, events: [a, b])
        _ = try await log.append(stream: "m-1", expectedVersion: .exact(2), events: [ProposedEvent(type: "C", payload: [3])])
        let retry = try await log.append(stream: "m-1", expectedVersion: .noStream, events: [a, b])
        #expect(retry.wasAlreadyStored)
        #expect(retry.positions == first.positions)
        #expect(retry.streamVersions == ["m-1": 2])
        #expect(retry.head == first.head)
        let anyRetry = try await log.append(stream: "m-1", expectedVersion: .any, events: [a, b])
        #expect(anyRetry.wasAlreadyStored && anyRetry.positions == [1, 2])
        await #expect(throws: LogError.self) {
            try await log.append(stream: "m-1", expectedVersion: .noStream, events: [a, ProposedEvent(type: "D", payload: [])])
        }
        #expect(log.head().position == 3)
        try log.close()
        let reopened = try EventLog.open(directory: dir)
        let afterReopen = try await reopened.append(stream: "m-1", expectedVersion: .noStream, events: [a, b])
        #expect(afterReopen.wasAlreadyStored && afterReopen.positions == [1, 2])
        #expect(reopened.head().position == 3)
        try reopened.close()
    }
}

extension AppendAndReadSmokeTests {
    @Test func givenALongLog_whenScanningWithTheParallelReplay_thenEveryEventComesOnceInOrder() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try EventLog.open(directory: dir, options: .init(segmentSize: 256 * 1024, durability: .none))
        for b in 0..<60 {
            let appends = (0..<1000).map { i in
                StreamAppend(stream: "s-\((b * 1000 + i) % 977)", expectedVersion: .any,
                             events: [ProposedEvent(type: "T", payload: Array("event \(b * 1000 + i)".utf8))])
            }
            _ = try await log.append(appends)
        }
        for from: UInt64 in [1, 12_345] {
            var expected = from
            try log.forEachEvent(from: from) { e in
                #expect(e.position == expected)
                #expect(String(decoding: e.payload, as: UTF8.self) == "event \(e.position - 1)")
                expected += 1
            }
            #expect(expected == 60_001)
        }
        var count = 0
        try log.forEachEvent(from: 100, through: 40_000) { _ in count += 1 }
        #expect(count == 39_901)
        try log.close()
    }
}
