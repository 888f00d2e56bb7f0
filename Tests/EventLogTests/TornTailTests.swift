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
                let readOnlyReport = readOnly.verify()
                #expect(readOnlyReport.failure == nil && readOnlyReport.verifiedHead == previous, "\(context) read-only: \(readOnlyReport)")
                #expect(readOnlyReport.tail == readOnly.recovery.tail && readOnly.recovery.tail.allSatisfy { !$0.wasCut }, "\(context) read-only")
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
                #expect(report.failure == nil && report.verifiedHead == previous, "\(context): \(report)")
                for finding in log.recovery.tail {
                    #expect(finding.wasCut, "\(context): \(finding)")
                    if let q = finding.quarantinePath { #expect(try Files.size(q) == Int(finding.length), "\(context): \(finding)") }
                }
                let again = try await log.append([built.lastCommit])
                #expect(again.wasAlreadyStored == false, "\(context): a lost event was taken for stored")
                #expect(again.positions == Array(previous.position + 1...previous.position + UInt64(built.lastCommit.events.count)), "\(context)")
                let after = log.verify()
                #expect(after.failure == nil && after.verifiedHead == log.head(), "\(context) after re-append: \(after)")
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

    enum Debris: String, CaseIterable, CustomTestStringConvertible {
        /// The file grew but the data never reached the disk: zeros after the last commit.
        case zeros
        /// Random bytes after the last commit.
        case garbage
        /// The start of a batch header (magic and a few fields) with nothing after it.
        case headerStart
        var testDescription: String { rawValue }
    }

    @Test("given debris after the last commit (zeros, garbage, a lone header start), then the log opens at the last commit, cuts the debris and takes appends",
          arguments: Debris.allCases)
    func debrisAfterTheLastCommit(debris: Debris) async throws {
        let tmp = TemporaryDirectory("torn-debris")
        defer { tmp.remove() }
        let built = try await Self.build(.lastBatchOfSegment, in: tmp.sub("original"))
        let segmentName = URL(fileURLWithPath: built.lastSegment).lastPathComponent
        let intact = try Files.read(built.lastSegment)
        let head = try { () throws -> LogHead in
            let log = try EventLog.open(directory: built.directory, options: Fixture.options(readOnly: true))
            defer { try? log.close() }
            return log.head()
        }()
        var rng = SeededRandom(seed: 77)
        for length in [1, 3, 4, 20, 83, 84, 85, 500, 4096, 70_000] {
            let extra: [UInt8]
            switch debris {
            case .zeros: extra = [UInt8](repeating: 0, count: length)
            case .garbage: extra = rng.bytes(length)
            case .headerStart: extra = Array((Array("BTCH".utf8) + [1, 0, 1, 0] + rng.bytes(length)).prefix(length))
            }
            let dir = tmp.sub("\(debris)-\(length)")
            try Files.copyDirectory(built.directory, to: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try Files.write(intact + extra, to: dir + "/segments/" + segmentName)
            let context = "\(length) bytes of \(debris)"
            do {
                let readOnly = try EventLog.open(directory: dir, options: Fixture.options(readOnly: true))
                #expect(readOnly.head() == head, "\(context) read-only")
                try readOnly.close()
                let log = try EventLog.open(directory: dir)
                #expect(log.head() == head, "\(context)")
                #expect(log.verify().failure == nil, "\(context)")
                let more = try await log.append(stream: "after-debris", expectedVersion: .noStream, events: Fixture.events(2))
                #expect(more.positions == [head.position + 1, head.position + 2], "\(context)")
                try log.close()
                let reopened = try EventLog.open(directory: dir, options: Fixture.options(readOnly: true))
                #expect(reopened.head() == more.head, "\(context) after reopen")
                #expect(reopened.verify().failure == nil, "\(context) after reopen")
                try reopened.close()
            } catch {
                Issue.record("\(context): \(error)")
            }
        }
    }

    @Test("given the last commit's bytes zeroed from some offset on (size written, data lost), then the log opens at the previous commit")
    func zeroFilledLastCommit() async throws {
        let tmp = TemporaryDirectory("torn-zeroed")
        defer { tmp.remove() }
        let built = try await Self.build(.lastBatchOfSegment, in: tmp.sub("original"))
        let segmentName = URL(fileURLWithPath: built.lastSegment).lastPathComponent
        let intact = try Files.read(built.lastSegment)
        for offset in stride(from: built.cut.lowerBound, to: built.cut.upperBound, by: 5) {
            var zeroed = intact
            for i in offset..<built.cut.upperBound { zeroed[i] = 0 }
            if zeroed == intact { continue }  // the commit already ends in zero bytes there
            let dir = tmp.sub("zeroed-\(offset)")
            try Files.copyDirectory(built.directory, to: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try Files.write(zeroed, to: dir + "/segments/" + segmentName)
            let context = "zeros from byte \(offset) (last commit at \(built.cut))"
            do {
                let log = try EventLog.open(directory: dir, options: Fixture.options(durability: .none))
                #expect(log.head() == built.previousHead, "\(context)")
                #expect(log.verify().failure == nil, "\(context)")
                let again = try await log.append([built.lastCommit])
                #expect(again.wasAlreadyStored == false && again.positions.first == built.previousHead.position + 1, "\(context)")
                try log.close()
            } catch {
                Issue.record("\(context): \(error)")
            }
        }
    }

    enum TornRoll: String, CaseIterable, CustomTestStringConvertible {
        /// The new segment file was created but nothing reached it.
        case emptyFile
        /// Part of the new segment's header reached it.
        case partialHeader
        var testDescription: String { rawValue }
    }

    @Test("given a crash right after a segment roll (the new segment torn), when reopened and appended to, then the new events read back, a retry is recognised and verify is intact",
          arguments: TornRoll.allCases)
    func crashRightAfterARoll(torn: TornRoll) async throws {
        let executable = try #require(ChildProcess.executable(), "eventlog-crash-child not found next to the test bundle; build with `swift build --build-tests`")
        let tmp = TemporaryDirectory("torn-roll")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let segmentSize = 1 << 20
        do {
            let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: segmentSize))
            for i in 0..<5 { _ = try await log.append(stream: "s", expectedVersion: .any, events: [Fixture.event("before-\(i)")]) }
            try log.close()
        }
        // The roll had created segment 2 when the process died.
        let next = directory + "/segments/" + String(format: "%010d.seg", 2)
        switch torn {
        case .emptyFile: try Files.write([], to: next)
        case .partialHeader: try Files.write(Array("FABRIEKS".utf8) + [1, 0, 64, 0, 2, 0, 0, 0], to: next)
        }

        // The reopening writer runs in the child, so that an engine trap fails this test only.
        let run = try await ChildProcess.run(executable: executable, arguments: [directory, "continue", "\(segmentSize)"],
                                             stderrPath: tmp.sub("stderr.txt"))
        #expect(run.lines.first == "READY 5")
        #expect(!run.killedBySignal && run.exitStatus == 0 && run.lines.last == "DONE",
                "the reopened writer did not finish (status \(run.exitStatus)): \(run.standardError.suffix(600))")
        let failedReads = run.lines.filter { $0.hasPrefix("READ ") && !$0.hasPrefix("READ ok") }
        #expect(failedReads.isEmpty, "\(failedReads.count) of 12 events written after the recovery cannot be read, e.g. \(failedReads.first ?? "")")
        for line in run.lines where line.hasPrefix("RETRY") || line.hasPrefix("VERIFY") {
            #expect(line == "RETRY recognised" || line == "VERIFY intact", "\(line)")
        }

        // On disk: every acknowledged event, each id once, the chain intact.
        let reopened = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        defer { try? reopened.close() }
        var acknowledged: [UInt64: UUID] = [:]
        for ack in run.acknowledgements { acknowledged[ack.position] = ack.id }
        #expect(acknowledged.count == 12 || run.killedBySignal)
        try LogChecks.check(reopened, acknowledged: acknowledged, context: "after the torn roll")
    }
}
