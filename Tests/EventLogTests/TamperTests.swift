import CCRC32C
import CLZ4
import EventLog
import Foundation
import Testing

/// Given a log, when an attacker changes one payload byte inside a middle batch and rewrites the
/// batch so that every checksum is valid again (decompress with the batch's dictionary, edit,
/// recompress, fix lengths and CRCs), then open() succeeds (the CRCs are fine) but verify()
/// fails at that batch: the hash chain no longer links to the next batch. Digests before the
/// tampered batch still verify; the digest an auditor noted at the tampered batch does not.
@Suite("Tamper evidence")
struct TamperTests {
    static func crc(_ bytes: ArraySlice<UInt8>, _ start: UInt32 = 0) -> UInt32 {
        Array(bytes).withUnsafeBytes { fabriek_crc32c(start, $0.baseAddress, $0.count) }
    }

    /// CRC of a batch record as FORMAT.md defines it: header bytes 0..<80 and the whole body.
    static func batchCRC(_ bytes: [UInt8], _ batch: SegmentLayout.Record) -> UInt32 {
        let header = crc(bytes[batch.offset..<batch.offset + 80])
        return crc(bytes[batch.offset + SegmentLayout.batchHeaderSize..<batch.end], header)
    }

    @Test("given a middle batch whose payload is altered with valid CRCs, then open succeeds and verify fails at that batch")
    func alteredPayloadWithRecomputedCRC() async throws {
        let tmp = TemporaryDirectory("tamper")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let log = try EventLog.open(directory: directory, options: Fixture.options(durability: .none))
        var heads: [LogHead] = []
        for i in 0..<120 {
            // Similar JSON payloads, so that later batches are compressed against a dictionary.
            let json = "{\"member\":\"zzp-\(i)\",\"skills\":[\"timmerwerk\",\"schilderwerk\"],\"wijk\":\"Wyck\",\"uren\":\(i * 7)}"
            heads.append(try await log.append(stream: "member-\(i % 5)", expectedVersion: .any,
                                              events: [Fixture.event("t\(i)", payload: Array(json.utf8))]).head)
        }
        let head = log.head()
        try log.close()

        let paths = try SegmentLayout.segmentPaths(ofLog: directory)
        try #require(paths.count == 1)
        var bytes = try Files.read(paths[0])
        let layout = try SegmentLayout(bytes)
        let batches = layout.batches
        try #require(batches.count == 120)
        // Sanity: this test's reading of the format matches the engine's CRCs.
        for b in batches { #expect(Self.batchCRC(bytes, b) == bytes.u32(b.offset + 80), "CRC of batch at \(b.offset)") }

        // A middle, single-block batch, preferably compressed with a dictionary and followed by
        // another dictionary record (so that later dictionary offsets must be fixed up too).
        let candidates = (10..<110).filter { batches[$0].blockCount == 1 }
        let withDictionary = candidates.filter { batches[$0].dictionaryOffset != 0 }
        let followedByDictionary = withDictionary.filter { k in
            layout.records.contains { $0.kind == .dictionary && $0.offset > batches[k].offset }
        }
        let k = try #require(followedByDictionary.first ?? withDictionary.first ?? candidates.first)
        let batch = batches[k]
        let next = batches[k + 1]

        // Decompress with the dictionary in force.
        // The block table: three varints (event count, stored length, raw length).
        var t = batch.offset + SegmentLayout.batchHeaderSize
        let eventCount = Self.varint(bytes, &t)
        let storedLength = Self.varint(bytes, &t)
        let rawLength = Self.varint(bytes, &t)
        let data = t
        var dictionary: [UInt8] = []
        if batch.dictionaryOffset != 0 {
            let length = Int(bytes.u32(batch.dictionaryOffset + 4))
            dictionary = Array(bytes[batch.dictionaryOffset + 12..<batch.dictionaryOffset + 12 + length])
        }
        var raw = [UInt8](repeating: 0, count: rawLength)
        let compressed = Array(bytes[data..<data + storedLength])
        let decoded = compressed.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                dictionary.withUnsafeBufferPointer { dict in
                    src.withMemoryRebound(to: CChar.self) { s in
                        dst.withMemoryRebound(to: CChar.self) { d in
                            dict.withMemoryRebound(to: CChar.self) { di in
                                LZ4_decompress_safe_usingDict(s.baseAddress, d.baseAddress, Int32(storedLength), Int32(rawLength),
                                                              di.baseAddress, Int32(di.count))
                            }
                        }
                    }
                }
            }
        }
        try #require(decoded == Int32(rawLength), "LZ4 decode of batch \(k) returned \(decoded)")

        // Change one payload byte: the payload is the last field of the batch's only event.
        let reader = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        let original = try reader.event(at: batch.firstPosition)
        try reader.close()
        try #require(Array(raw.suffix(original.payload.count)) == original.payload)
        raw[raw.count - 1] ^= 0x01

        // Recompress without dictionary (it decodes with one as well) and rebuild the record.
        let bound = Int(LZ4_compressBound(Int32(rawLength)))
        var recompressed = [UInt8](repeating: 0, count: bound)
        let newLength = raw.withUnsafeBufferPointer { src in
            recompressed.withUnsafeMutableBufferPointer { dst in
                src.withMemoryRebound(to: CChar.self) { s in
                    dst.withMemoryRebound(to: CChar.self) { d in
                        LZ4_compress_default(s.baseAddress, d.baseAddress, Int32(rawLength), Int32(bound))
                    }
                }
            }
        }
        try #require(newLength > 0)
        var record = Array(bytes[batch.offset..<(batch.offset + SegmentLayout.batchHeaderSize)])
        let newTable = Self.varintBytes(eventCount) + Self.varintBytes(Int(newLength)) + Self.varintBytes(rawLength)
        record.setU32(UInt32(newTable.count + Int(newLength)), at: 20)   // body length
        record += newTable
        record += recompressed.prefix(Int(newLength))
        var recordCRC = Self.crc(record[0..<80])
        recordCRC = Self.crc(record[SegmentLayout.batchHeaderSize...], recordCRC)
        record.setU32(recordCRC, at: 80)
        let delta = record.count - batch.length
        bytes = Array(bytes[..<batch.offset]) + record + Array(bytes[batch.end...])

        // Later dictionary offsets in this segment moved by `delta`: fix them and their CRCs.
        let moved = try SegmentLayout(bytes)
        for b in moved.batches where b.offset > batch.offset && b.dictionaryOffset > batch.offset {
            bytes.setU32(UInt32(b.dictionaryOffset + delta), at: b.offset + 40)
            bytes.setU32(Self.batchCRC(bytes, b), at: b.offset + 80)
        }
        try Files.write(bytes, to: paths[0])
        try? FileManager.default.removeItem(atPath: directory + "/index")  // derived; holds old offsets

        // The CRCs are all valid: the log opens and reads the altered payload back.
        let tampered = try EventLog.open(directory: directory)
        defer { try? tampered.close() }
        #expect(tampered.head().position == head.position)
        var altered = original.payload
        altered[altered.count - 1] ^= 0x01
        #expect(try tampered.event(at: batch.firstPosition).payload == altered)
        #expect(try tampered.event(at: next.firstPosition).id == (try tampered.read(from: next.firstPosition, maxCount: 1)).first?.id)

        // But the chain does not: verify fails at the tampered batch (found at the link to the next).
        let report = tampered.verify()
        #expect(report.isIntact == false)
        let failure = try #require(report.failure, "\(report)")
        #expect((batch.firstPosition...next.firstPosition).contains(failure.position), "\(report)")
        #expect(report.verifiedHead.position <= batch.lastPosition, "\(report)")
        #expect(tampered.verify(upTo: heads[k - 1]).isIntact)
        #expect(tampered.verify(upTo: heads[k]).isIntact == false)
        #expect(tampered.verify(upTo: head).isIntact == false)
    }

    static func varint(_ bytes: [UInt8], _ offset: inout Int) -> Int {
        var value = 0
        var shift = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    static func varintBytes(_ value: Int) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }
}
