import EventLog
import Foundation
import Synchronization
import Testing

/// Long scans (more than `EventLog.pipelineThreshold` events) decompress on other threads while
/// the caller walks the events: given a log spread over several segments and dictionaries, the
/// scan sees every event once, in order, from any start; a scan stopped by its caller returns.
@Suite("Long scans")
struct LongScanTests {
    static let eventCount = 60_000

    /// A log of `eventCount` events in commits of 1 to 1,500 events over segments of 1 MiB, with
    /// the expected (id, stream, payload) per position.
    static func build(_ directory: String) async throws -> (EventLog, [(UUID, String, [UInt8])]) {
        let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 1 << 20, durability: .none))
        var rng = SeededRandom(seed: 7)
        var expected: [(UUID, String, [UInt8])] = []
        while expected.count < eventCount {
            let size = min(Int.random(in: 1...1_500, using: &rng), eventCount - expected.count)
            var appends: [StreamAppend] = []
            for _ in 0..<size {
                let stream = "stream-\(Int.random(in: 0..<5_000, using: &rng))"
                let payload = Array("{\"n\":\(expected.count),\"wijk\":\"Wyck\"}".utf8) + rng.bytes(Int.random(in: 0...40, using: &rng))
                let event = ProposedEvent(type: ["MemberRegistered", "BidSubmitted", "TenderPublished"][expected.count % 3],
                                          payload: payload)
                appends.append(StreamAppend(stream: stream, expectedVersion: .any, events: [event]))
                expected.append((event.id, stream, payload))
            }
            _ = try await log.append(appends)
        }
        return (log, expected)
    }

    @Test("given 60,000 events over several segments, when scanned from the start, a mid-block position and near the end, then each event comes once, in order, intact")
    func scansFromAnyStart() async throws {
        let tmp = TemporaryDirectory("long-scan")
        defer { tmp.remove() }
        let (log, expected) = try await Self.build(tmp.path)
        defer { try? log.close() }
        #expect(try SegmentLayout.segmentPaths(ofLog: tmp.path).count > 3)

        for start in [1, 777, 31_234, Self.eventCount - 25_000] {
            var next = UInt64(start)
            var mismatches = 0
            try log.forEachEvent(from: UInt64(start)) { view in
                let (id, stream, payload) = expected[Int(view.position) - 1]
                if view.position != next || view.id != id || view.stream != stream || !view.payload.elementsEqual(payload) {
                    mismatches += 1
                }
                next = view.position + 1
            }
            #expect(mismatches == 0, "scan from \(start)")
            #expect(next == UInt64(Self.eventCount) + 1, "scan from \(start) ended before the head")
        }
        // A bounded scan stops at its last position.
        var count = 0
        try log.forEachEvent(from: 100, through: 40_099) { _ in count += 1 }
        #expect(count == 40_000)
    }

    @Test("given 60,000 events read whole, when the segments' resident pages are dropped, then the process's resident file pages shrink and a scan and an append afterwards see every event intact")
    func droppedPagesAreReadAgain() async throws {
        let tmp = TemporaryDirectory("long-scan-drop")
        defer { tmp.remove() }
        let (log, expected) = try await Self.build(tmp.path)
        defer { try? log.close() }
        func residentFileKiB() -> Int {
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("RssFile:") } ?? ""
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        func mismatches() throws -> Int {
            var wrong = 0, next: UInt64 = 1
            try log.forEachEvent(from: 1) { view in
                let (id, stream, payload) = expected[Int(view.position) - 1]
                if view.position != next || view.id != id || view.stream != stream || !view.payload.elementsEqual(payload) { wrong += 1 }
                next = view.position + 1
            }
            return wrong + (next == UInt64(expected.count) + 1 ? 0 : 1)
        }
        #expect(try mismatches() == 0)
        let before = residentFileKiB()
        log.dropResidentSegmentPages()
        let after = residentFileKiB()
        #expect(after < before, "RssFile \(before) KiB before, \(after) KiB after")
        #expect(try mismatches() == 0)
        let appended = ProposedEvent(type: "TenderPublished", payload: Array("{}".utf8))
        _ = try await log.append(stream: "after-drop", expectedVersion: .noStream, events: [appended])
        #expect(try log.event(at: UInt64(expected.count) + 1).id == appended.id)
    }

    /// Resident bytes of this process's mappings of the segment files in `directory` (their own
    /// `Rss` lines in /proc/self/smaps: other tests running meanwhile do not count).
    static func residentSegmentBytes(_ directory: String) -> Int {
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps"), let data = try? handle.readToEnd() else { return -1 }
        try? handle.close()
        var total = 0, inside = false
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), line[..<dash].allSatisfy(\.isHexDigit), !line.hasSuffix(":") {
                inside = line.contains(directory + "/segments/")
            } else if inside && line.hasPrefix("Rss:") {
                total += (Int(line.split(separator: " ")[1]) ?? 0) * 1024
            }
        }
        return total
    }

    /// What may stay resident of the segments besides what scans left: the writer's own view of
    /// the active segment's tail (its compression dictionary), half a segment here at most.
    static let residentAllowance = 512 << 10

    @Test("given 60,000 events over several segments, when a log that does not keep scanned segments resident is opened and scanned whole, then none of its segments stays resident, while with the default the scanned segments do")
    func scannedSegmentsAreDropped() async throws {
        let tmp = TemporaryDirectory("long-scan-resident")
        defer { tmp.remove() }
        let (built, expected) = try await Self.build(tmp.path)
        try built.close()
        let segments = try SegmentLayout.segmentPaths(ofLog: tmp.path)
        let size = try segments.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        #expect(segments.count > 3)

        var options = Fixture.options(segmentSize: 1 << 20, durability: .none)
        options.keepScannedSegmentsResident = false
        let dropping = try EventLog.open(directory: tmp.path, options: options)
        // The open reads every record of every segment, and its background check the whole
        // chain: neither leaves a segment mapped in.
        #expect(try await TamperTests.finishedCheck(dropping).isIntact)
        #expect(Self.residentSegmentBytes(tmp.path) <= Self.residentAllowance, "after the open: \(Self.residentSegmentBytes(tmp.path)) bytes")
        var count = 0, intact = true
        try dropping.forEachEvent(from: 1) { view in
            intact = intact && view.id == expected[Int(view.position) - 1].0
            count += 1
        }
        #expect(count == expected.count && intact)
        #expect(Self.residentSegmentBytes(tmp.path) <= Self.residentAllowance, "after the scan: \(Self.residentSegmentBytes(tmp.path)) of \(size) bytes")
        // A decoded scan (export's) likewise.
        try dropping.forEachEvent(from: 1, decodedBy: { $0.position }) { view, position in
            intact = intact && view.position == position
        }
        #expect(intact)
        #expect(Self.residentSegmentBytes(tmp.path) <= Self.residentAllowance)
        try dropping.close()

        let keeping = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 1 << 20, durability: .none))
        defer { try? keeping.close() }
        try keeping.forEachEvent(from: 1) { _ in }
        #expect(Self.residentSegmentBytes(tmp.path) > size / 2, "kept: \(Self.residentSegmentBytes(tmp.path)) of \(size) bytes")
    }

    @Test("given a long scan, when the caller throws midway, then the error comes back and the next scan is whole")
    func callerStopsTheScan() async throws {
        struct Enough: Error {}
        let tmp = TemporaryDirectory("long-scan-stop")
        defer { tmp.remove() }
        let (log, _) = try await Self.build(tmp.path)
        defer { try? log.close() }
        for stopAt in [1, 5_000, 45_000] {
            var seen = 0
            #expect(throws: Enough.self) {
                try log.forEachEvent(from: 1) { view in
                    if view.position == UInt64(stopAt) { throw Enough() }
                    seen += 1
                }
            }
            #expect(seen == stopAt - 1)
        }
        var all = 0
        try log.forEachEvent(from: 1) { _ in all += 1 }
        #expect(all == Self.eventCount)
    }

    @Test("given a long decoded scan of counted values, when the decode function throws in a later page, then the scan ends with the error and every value made is released")
    func decodeErrorReleasesEveryValue() async throws {
        struct Undecodable: Error {}
        let tmp = TemporaryDirectory("long-scan-decode-error-release")
        defer { tmp.remove() }
        let (log, _) = try await Self.build(tmp.path)
        defer { try? log.close() }
        // Late enough that the slots are filled again and hold the values of earlier pages.
        for failAt in [UInt64(45_001), 59_999] {
            var seen: UInt64 = 0
            #expect(throws: Undecodable.self) {
                try log.forEachEvent(from: 1, decodedBy: { view -> Counted in
                    if view.position == failAt { throw Undecodable() }
                    return Counted(view.position)
                }) { view, value in
                    #expect(value.position == view.position)
                    seen = view.position
                }
            }
            #expect(seen == failAt - 1, "events before \(failAt) passed on")
            #expect(Counted.live.withLock { $0 } == 0, "values left alive after the error at \(failAt)")
        }
    }

    /// Like `Decoded`, with a counter of its own (the tests of this suite run in parallel).
    final class Counted: Sendable {
        static let live = Mutex(0)
        let position: UInt64
        init(_ position: UInt64) {
            self.position = position
            Self.live.withLock { $0 += 1 }
        }
        deinit { Self.live.withLock { $0 -= 1 } }
    }

    /// A value made on whichever thread decodes, released on its own: counts the live ones.
    final class Decoded: Sendable {
        static let live = Mutex(0)
        let position: UInt64
        let payload: [UInt8]
        init(_ view: borrowing EventView) {
            position = view.position
            payload = Array(view.payload)
            Self.live.withLock { $0 += 1 }
        }
        deinit { Self.live.withLock { $0 -= 1 } }
    }

    @Test("given 60,000 events, when scanned with a decode function from several starts, then each event comes once, in order, with the value decoded from it, and every value is released")
    func decodedScanPairsEachViewWithItsValue() async throws {
        let tmp = TemporaryDirectory("long-scan-decoded")
        defer { tmp.remove() }
        let (log, expected) = try await Self.build(tmp.path)
        defer { try? log.close() }
        for start in [1, 777, Self.eventCount - 25_000] {
            var next = UInt64(start)
            var mismatches = 0
            try log.forEachEvent(from: UInt64(start), decodedBy: { Decoded($0) }) { view, value in
                let (id, _, payload) = expected[Int(view.position) - 1]
                if view.position != next || value.position != view.position || view.id != id
                    || value.payload != payload || !view.payload.elementsEqual(payload) {
                    mismatches += 1
                }
                next = view.position + 1
            }
            #expect(mismatches == 0, "scan from \(start)")
            #expect(next == UInt64(Self.eventCount) + 1, "scan from \(start) ended before the head")
            #expect(Decoded.live.withLock { $0 } == 0, "values of the scan from \(start) left alive")
        }
    }

    @Test("given a long decoded scan, when the decode function throws at an event, then every event before it has been passed on and the error comes back")
    func decodeErrorEndsTheScanAfterTheEarlierEvents() async throws {
        struct Undecodable: Error { var position: UInt64 }
        let tmp = TemporaryDirectory("long-scan-decode-error")
        defer { tmp.remove() }
        let (log, _) = try await Self.build(tmp.path)
        defer { try? log.close() }
        for failAt in [UInt64(3), 30_001, 59_999] {
            var seen: UInt64 = 0
            #expect(throws: Undecodable.self) {
                try log.forEachEvent(from: 1, decodedBy: { view -> UInt64 in
                    if view.position == failAt { throw Undecodable(position: failAt) }
                    return view.position
                }) { view, value in
                    #expect(value == view.position)
                    #expect(view.position == seen + 1)
                    seen = view.position
                }
            }
            #expect(seen == failAt - 1, "events before \(failAt) passed on")
        }
    }
}
