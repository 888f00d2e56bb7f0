import EventLog
import Foundation
import Testing

/// Given a log whose last commit was written whole and fsynced, when one of its bytes is flipped,
/// then that is corruption, not a torn write: the open refuses naming the segment, the byte
/// offset and the position, and cuts nothing. Over every byte of that commit, nothing is ever
/// cut silently: the open refuses, or it cuts to a quarantine file holding exactly the cut bytes
/// and says so in `recovery`. A torn tail is described by a read-only open (left in place) and
/// by `verify`.
@Suite("Damaged last commit")
struct DamagedLastCommitTests {
    struct Built {
        var directory: String
        var segment: String
        var last: SegmentLayout.Record
        var previousHead: LogHead
        var head: LogHead
    }

    static func build(_ directory: String) async throws -> Built {
        let log = try EventLog.open(directory: directory)
        for i in 0..<12 {
            let json = "{\"klus\":\"schilderwerk-\(i)\",\"wijk\":\"Mariaberg\",\"uren\":\(i * 3)}"
            _ = try await log.append(stream: "job-\(i % 3)", expectedVersion: .any,
                                     events: [Fixture.event("d\(i)", payload: Array(json.utf8)), Fixture.event("e\(i)")])
        }
        let previous = log.head()
        let json = "{\"klus\":\"timmerwerk\",\"wijk\":\"Wyck\",\"uren\":40}"
        _ = try await log.append(stream: "job-last", expectedVersion: .noStream,
                                 events: [Fixture.event("last-0"), Fixture.event("last-1", payload: Array(json.utf8))])
        let head = log.head()
        try log.close()
        let segment = try #require(try SegmentLayout.segmentPaths(ofLog: directory).last)
        let bytes = try Files.read(segment)
        let last = try #require(try SegmentLayout(bytes).batches.last)
        try #require(last.end == bytes.count && last.firstPosition == previous.position + 1)
        return Built(directory: directory, segment: segment, last: last, previousHead: previous, head: head)
    }

    @Test("given one flipped byte inside the last commit's compressed data, then writable and read-only opens refuse, naming segment, offset and position, and the file is unchanged")
    func flippedByteInTheLastCommitIsCorruption() async throws {
        let tmp = TemporaryDirectory("damaged-last")
        defer { tmp.remove() }
        let built = try await Self.build(tmp.sub("log"))
        var bytes = try Files.read(built.segment)
        try #require(bytes[built.last.end - 1] != 0, "the commit must not end in a zero byte for this test")
        let offset = built.last.offset + SegmentLayout.batchHeaderSize + (built.last.bodyLength / 2)
        bytes[offset] ^= 0x5A
        try Files.write(bytes, to: built.segment)
        let name = URL(fileURLWithPath: built.segment).lastPathComponent

        for readOnly in [false, true] {
            #expect {
                _ = try EventLog.open(directory: built.directory, options: Fixture.options(readOnly: readOnly))
            } throws: { error in
                guard case LogError.corruptBatch(let segment, let at, let position, let reason) = error else { return false }
                return segment == name && at == UInt64(built.last.offset) && position == built.last.firstPosition
                    && reason.contains("complete but fails its checksum")
            }
        }
        #expect(try Files.read(built.segment) == bytes, "the refused open changed the segment")
        #expect(try FileManager.default.contentsOfDirectory(atPath: built.directory + "/segments").filter { $0.contains("quarantine") }.isEmpty)
    }

    @Test("given each byte of the last commit flipped in turn, then the open refuses or cuts to a quarantine file that holds exactly the cut bytes and says so: never silently")
    func everyByteOfTheLastCommit() async throws {
        let tmp = TemporaryDirectory("damaged-last-every")
        defer { tmp.remove() }
        let built = try await Self.build(tmp.sub("original"))
        let pristine = try Files.read(built.segment)
        let name = URL(fileURLWithPath: built.segment).lastPathComponent
        var refused = 0, cut = 0
        for offset in built.last.offset..<built.last.end {
            let dir = tmp.sub("flip-\(offset)")
            try Files.copyDirectory(built.directory, to: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var damaged = pristine
            damaged[offset] ^= 0x5A
            let segment = dir + "/segments/" + name
            try Files.write(damaged, to: segment)
            let context = "byte \(offset) of the last commit (\(built.last.offset)..<\(built.last.end))"

            // Read-only: refuses, or reports the tail and verify says it is not intact.
            do {
                let reader = try EventLog.open(directory: dir, options: Fixture.options(readOnly: true))
                let report = reader.verify()
                #expect(!report.isIntact && reader.recovery.tail.count == 1 && reader.recovery.tail[0].wasCut == false,
                        "\(context): read-only open kept quiet: \(report)")
                try reader.close()
            } catch let error as LogError {
                guard case .corruptBatch(let segment, _, _, _) = error else { Issue.record("\(context): \(error)"); continue }
                #expect(segment == name, "\(context): \(error)")
            }

            do {
                let log = try EventLog.open(directory: dir)
                defer { try? log.close() }
                cut += 1
                let finding = try #require(log.recovery.tail.first, "\(context): opened at \(log.head()) and reported nothing")
                #expect(log.head() == built.previousHead, "\(context)")
                #expect(finding.wasCut && finding.offset == UInt64(built.last.offset) && finding.lastKeptPosition == built.previousHead.position,
                        "\(context): \(finding)")
                let quarantine = try #require(finding.quarantinePath, "\(context): \(finding)")
                #expect(try Files.read(quarantine) == Array(damaged[built.last.offset...]), "\(context): quarantine holds other bytes")
                #expect(try Files.size(segment) == built.last.offset, "\(context)")
                let report = log.verify()
                #expect(report.failure == nil && report.quarantined == [quarantine] && !report.isIntact, "\(context): \(report)")
            } catch let error as LogError {
                refused += 1
                guard case .corruptBatch(let segment, _, let position, _) = error else { Issue.record("\(context): \(error)"); continue }
                #expect(segment == name && position == built.last.firstPosition, "\(context): \(error)")
                #expect(try Files.read(dir + "/segments/" + name) == damaged, "\(context): a refused open changed the file")
            }
        }
        // Most flips leave a whole record that fails its checksum: corruption.
        #expect(refused > cut, "refused \(refused), cut \(cut)")
    }

    @Test("given a torn last commit, then a read-only open describes it without cutting, verify reports it, and a writable open cuts it to a quarantine file and says what it cut")
    func tornTailIsDescribed() async throws {
        let tmp = TemporaryDirectory("torn-described")
        defer { tmp.remove() }
        let built = try await Self.build(tmp.sub("log"))
        let pristine = try Files.read(built.segment)
        let tornAt = built.last.offset + built.last.length / 2
        try Files.truncate(built.segment, to: tornAt)
        let name = URL(fileURLWithPath: built.segment).lastPathComponent
        let expected = RecoveryReport.TailFinding(
            segment: name, offset: UInt64(built.last.offset), length: UInt64(tornAt - built.last.offset),
            lastKeptPosition: built.previousHead.position, claimedPositions: built.last.firstPosition...built.last.lastPosition,
            reason: "the record is incomplete: its write did not finish", wasCut: false, quarantinePath: nil)

        let reader = try EventLog.open(directory: built.directory, options: Fixture.options(readOnly: true))
        #expect(reader.recovery.tail == [expected])
        let report = reader.verify()
        #expect(!report.isIntact && report.failure == nil && report.tail == [expected] && report.verifiedHead == built.previousHead,
                "\(report)")
        #expect(report.description.hasPrefix("NOT INTACT") && report.description.contains("torn tail of"), "\(report)")
        try reader.close()
        #expect(try Files.size(built.segment) == tornAt)

        let log = try EventLog.open(directory: built.directory)
        let finding = try #require(log.recovery.tail.first)
        let quarantine = built.segment + ".quarantine-\(built.last.offset)"
        #expect(finding.wasCut && finding.quarantinePath == quarantine, "\(finding)")
        #expect(finding.description.contains("cut \(tornAt - built.last.offset) bytes at byte \(built.last.offset) of segment \(name) after position \(built.previousHead.position) (a commit of positions \(built.last.firstPosition)-\(built.last.lastPosition))"), "\(finding)")
        #expect(try Files.read(quarantine) == Array(pristine[built.last.offset..<tornAt]))
        #expect(log.head() == built.previousHead)
        try log.close()

        // Once the operator moves the quarantine file away, the log verifies intact again.
        try FileManager.default.moveItem(atPath: quarantine, toPath: tmp.sub("kept"))
        let again = try EventLog.open(directory: built.directory, options: Fixture.options(readOnly: true))
        defer { try? again.close() }
        #expect(again.recovery.isEmpty && again.verify().isIntact)
    }
}
