import EventLog
import Foundation
import Testing

/// Given a log, when an attacker changes one payload byte of a commit and rewrites the record so
/// that every checksum is valid again (decompress with the batch's dictionary, edit, recompress,
/// fix lengths and CRCs), then the change is never extended unnoticed: verify() names the
/// altered commit (its positions) as the first bad one and reports the commit before it as the
/// verified head; a forged last commit is caught by the head the stream index file recorded; a
/// writable open refuses (last commit) or stops appending once its background check fails.
@Suite("Tamper evidence")
struct TamperTests {
    /// 120 single-event commits of similar JSON (later ones compressed against a dictionary);
    /// returns the head after each commit.
    static func build(_ directory: String) async throws -> [LogHead] {
        let log = try EventLog.open(directory: directory, options: Fixture.options(durability: .none))
        var heads: [LogHead] = []
        for i in 0..<120 {
            let json = "{\"member\":\"zzp-\(i)\",\"skills\":[\"timmerwerk\",\"schilderwerk\"],\"wijk\":\"Wyck\",\"uren\":\(i * 7)}"
            heads.append(try await log.append(stream: "member-\(i % 5)", expectedVersion: .any,
                                              events: [Fixture.event("t\(i)", payload: Array(json.utf8))]).head)
        }
        try log.close()
        return heads
    }

    /// Polls until the open's background check has finished (generous deadline).
    static func finishedCheck(_ log: EventLog) async throws -> VerificationReport {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if case .finished(let report) = log.openVerification { return report }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw SegmentLayout.ParseError(description: "the background check did not finish: \(log.openVerification)")
    }

    @Test("given a middle commit altered with valid CRCs, then open succeeds, verify names that commit and its positions, and the verified head is the commit before it")
    func alteredPayloadWithRecomputedCRC() async throws {
        let tmp = TemporaryDirectory("tamper")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let heads = try await Self.build(directory)
        let head = heads[heads.count - 1]
        let paths = try SegmentLayout.segmentPaths(ofLog: directory)
        try #require(paths.count == 1)
        let pristine = try Files.read(paths[0])
        let layout = try SegmentLayout(pristine)
        let batches = layout.batches
        try #require(batches.count == 120)
        // Sanity: this test's reading of the format matches the engine's CRCs.
        for b in batches { #expect(Forgery.batchCRC(pristine, b) == pristine.u32(b.offset + 80), "CRC of batch at \(b.offset)") }

        // A middle batch, preferably compressed with a dictionary and followed by another
        // dictionary record (so that later dictionary offsets must be fixed up too).
        let candidates = (10..<110).filter { batches[$0].blockCount == 1 }
        let withDictionary = candidates.filter { batches[$0].dictionaryOffset != 0 }
        let followedByDictionary = withDictionary.filter { k in
            layout.records.contains { $0.kind == .dictionary && $0.offset > batches[k].offset }
        }
        let k = try #require(followedByDictionary.first ?? withDictionary.first ?? candidates.first)
        let batch = batches[k]
        let original = try { () throws -> RecordedEvent in
            let reader = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
            defer { try? reader.close() }
            return try reader.event(at: batch.firstPosition)
        }()
        try Forgery.alterLastPayloadByte(ofBatch: k, inSegment: paths[0])

        // The CRCs are all valid: the log opens read-only and reads the altered payload back.
        let tampered = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        defer { try? tampered.close() }
        #expect(tampered.head() == head)
        var altered = original.payload
        altered[altered.count - 1] ^= 0x01
        #expect(try tampered.event(at: batch.firstPosition).payload == altered)

        // But the chain does not: the altered commit is the first bad one.
        let report = tampered.verify()
        #expect(report.isIntact == false)
        let failure = try #require(report.failure, "\(report)")
        #expect(failure.position == batch.firstPosition, "\(report)")
        #expect(failure.positions == batch.firstPosition...batch.lastPosition, "\(report)")
        #expect(failure.offset == UInt64(batch.offset), "\(report)")
        #expect(report.verifiedHead == heads[k - 1], "the verified head must be the last good commit: \(report)")
        #expect(report.description.contains("positions \(batch.firstPosition)-\(batch.lastPosition)"), "\(report)")
        #expect(tampered.verify(upTo: heads[k - 1]).isIntact)
        let atDigest = tampered.verify(upTo: heads[k])
        #expect(atDigest.isIntact == false && atDigest.failure?.positions == batch.firstPosition...batch.lastPosition, "\(atDigest)")
        #expect(tampered.verify(upTo: head).isIntact == false)
    }

    @Test("given the last commit altered with valid CRCs after a close, then a writable open refuses naming it, and read-only verify names it")
    func alteredLastCommitAfterClose() async throws {
        let tmp = TemporaryDirectory("tamper-last")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let heads = try await Self.build(directory)
        let path = try #require(try SegmentLayout.segmentPaths(ofLog: directory).last)
        let last = try Forgery.alterLastPayloadByte(ofBatch: 119, inSegment: path)

        #expect {
            _ = try EventLog.open(directory: directory)
        } throws: { error in
            guard case LogError.corruptBatch(let segment, let offset, let position, let reason) = error else { return false }
            return path.hasSuffix(segment) && offset == UInt64(last.offset) && position == last.firstPosition
                && reason.contains("changed after the stream index recorded its chain hash")
        }
        let reader = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        defer { try? reader.close() }
        let report = reader.verify()
        #expect(report.failure?.positions == last.firstPosition...last.lastPosition, "\(report)")
        #expect(report.verifiedHead == heads[118], "\(report)")
    }

    /// Found by libFuzzer (Tests/FuzzCorpus/segment/timeout-622dd970…): a header whose
    /// uncompressed length said 2 GB made the open allocate and zero 2 GB for one batch of 119
    /// bytes (a 14 s hang in the fuzzer). The block table must describe the header's lengths.
    @Test("given a commit whose header claims 2 GB of content, or a block that claims more than LZ4 can expand, with valid CRCs, then the open refuses it naming the batch, before anything is sized from it")
    func forgedLengthsAreRefusedBeforeAllocating() async throws {
        for forgery in ["header length", "block length"] {
            let tmp = TemporaryDirectory("tamper-lengths")
            defer { tmp.remove() }
            let directory = tmp.sub("log")
            _ = try await Self.build(directory)
            let path = try #require(try SegmentLayout.segmentPaths(ofLog: directory).last)
            var bytes = try Files.read(path)
            let batch = try #require(try SegmentLayout(bytes).batches.dropFirst(60).first { $0.blockCount == 1 })
            if forgery == "header length" {
                bytes.setU32(2_080_374_903, at: batch.offset + 44)
            } else {
                // The table's uncompressed length (third varint) and the header's, both 2 GB: they
                // agree, but 2 GB from a block of about 100 bytes is beyond LZ4.
                var t = batch.offset + SegmentLayout.batchHeaderSize
                _ = Forgery.varint(bytes, &t)
                _ = Forgery.varint(bytes, &t)
                let rawStart = t
                _ = Forgery.varint(bytes, &t)
                bytes.setU32(2_080_374_903, at: batch.offset + 44)
                // The varint becomes five bytes long; the body length follows. (Later records
                // move; the open stops at this batch first.)
                let longer = Forgery.varintBytes(2_080_374_903)
                bytes.replaceSubrange(rawStart..<t, with: longer)
                bytes.setU32(bytes.u32(batch.offset + 20) + UInt32(longer.count - (t - rawStart)), at: batch.offset + 20)
            }
            var forged = batch
            forged.length = SegmentLayout.batchHeaderSize + Int(bytes.u32(batch.offset + 20))
            bytes.setU32(Forgery.batchCRC(bytes, forged), at: batch.offset + 80)
            try Files.write(bytes, to: path)

            #expect {
                _ = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
            } throws: { error in
                guard case LogError.corruptBatch(_, let offset, let position, let reason) = error else { return false }
                return offset == UInt64(batch.offset) && position == batch.firstPosition && reason.contains("lengths in the header")
            }
        }
    }

    @Test("given a middle commit altered with valid CRCs, when opened for writing, then the background check fails and appends are refused instead of extending the chain")
    func backgroundCheckStopsTheWriter() async throws {
        let tmp = TemporaryDirectory("tamper-background")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        _ = try await Self.build(directory)
        let path = try #require(try SegmentLayout.segmentPaths(ofLog: directory).last)
        let altered = try Forgery.alterLastPayloadByte(ofBatch: 60, inSegment: path)

        let log = try EventLog.open(directory: directory)
        defer { try? log.close() }
        let report = try await Self.finishedCheck(log)
        #expect(report.failure?.position == altered.firstPosition, "\(report)")
        await #expect {
            _ = try await log.append(stream: "later", expectedVersion: .any, events: [Fixture.event("x")])
        } throws: { error in
            guard case LogError.writerFailed(let reason) = error else { return false }
            return reason.contains("does not verify at position \(altered.firstPosition)")
        }
        #expect(log.head().position == 120)
    }

    @Test("given an intact log, when opened for writing, then the background check finishes intact and appends go on")
    func backgroundCheckPassesAnIntactLog() async throws {
        let tmp = TemporaryDirectory("tamper-none")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let heads = try await Self.build(directory)
        let log = try EventLog.open(directory: directory)
        defer { try? log.close() }
        let report = try await Self.finishedCheck(log)
        #expect(report.isIntact && report.verifiedHead == heads[heads.count - 1], "\(report)")
        let more = try await log.append(stream: "later", expectedVersion: .any, events: [Fixture.event("x")])
        #expect(more.positions == [121])
    }
}
