import CCRC32C
import CLZ4
import EventLog
import Foundation
import Testing

/// What an attacker with write access to the files can do: change stored bytes and recompute
/// every checksum, so that only the hash chain (or a check against the log) can tell.
enum Forgery {
    static func crc(_ bytes: ArraySlice<UInt8>, _ start: UInt32 = 0) -> UInt32 {
        Array(bytes).withUnsafeBytes { fabriek_crc32c(start, $0.baseAddress, $0.count) }
    }

    /// CRC of a batch record as FORMAT.md defines it: header bytes 0..<80 and the whole body.
    static func batchCRC(_ bytes: [UInt8], _ batch: SegmentLayout.Record) -> UInt32 {
        let header = crc(bytes[batch.offset..<batch.offset + 80])
        return crc(bytes[batch.offset + SegmentLayout.batchHeaderSize..<batch.end], header)
    }

    /// Flips the lowest bit of the last payload byte of batch `k` (a single-block batch with one
    /// event) of the segment at `path`: decompresses it with its dictionary, edits, recompresses
    /// without dictionary, fixes the lengths, the CRC and the dictionary offsets of later batches
    /// (which move). Returns the altered batch as it was before.
    @discardableResult
    static func alterLastPayloadByte(ofBatch k: Int, inSegment path: String) throws -> SegmentLayout.Record {
        var bytes = try Files.read(path)
        let layout = try SegmentLayout(bytes)
        let batch = layout.batches[k]
        try #require(batch.blockCount == 1, "batch \(k) has \(batch.blockCount) blocks")
        var t = batch.offset + SegmentLayout.batchHeaderSize
        let eventCount = varint(bytes, &t)
        let storedLength = varint(bytes, &t)
        let rawLength = varint(bytes, &t)
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
        // The payload is the last field of the block's last event.
        raw[raw.count - 1] ^= 0x01

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
        let newTable = varintBytes(eventCount) + varintBytes(Int(newLength)) + varintBytes(rawLength)
        record.setU32(UInt32(newTable.count + Int(newLength)), at: 20)   // body length
        record += newTable
        record += recompressed.prefix(Int(newLength))
        var recordCRC = crc(record[0..<80])
        recordCRC = crc(record[SegmentLayout.batchHeaderSize...], recordCRC)
        record.setU32(recordCRC, at: 80)
        let delta = record.count - batch.length
        bytes = Array(bytes[..<batch.offset]) + record + Array(bytes[batch.end...])

        // Later dictionary offsets in this segment moved by `delta`: fix them and their CRCs.
        let moved = try SegmentLayout(bytes)
        for b in moved.batches where b.offset > batch.offset && b.dictionaryOffset > batch.offset {
            bytes.setU32(UInt32(b.dictionaryOffset + delta), at: b.offset + 40)
            bytes.setU32(batchCRC(bytes, b), at: b.offset + 80)
        }
        try Files.write(bytes, to: path)
        return batch
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

    /// Rewrites the stream index file (`index/streams.idx`, FORMAT.md) so that the first entry's
    /// first position becomes `position` (same varint length), and recomputes both CRCs.
    static func redirectFirstStream(indexFile path: String, to position: UInt64) throws {
        var bytes = try Files.read(path)
        try #require(Array(bytes[0..<8]) == Array("FABSIDX4".utf8))
        let records = Int(bytes.u64(88))
        var o = records
        _ = varint(bytes, &o)            // count
        let start = o
        let old = varint(bytes, &o)      // first position
        let replacement = varintBytes(Int(position))
        try #require(replacement.count == o - start, "position \(position) does not fit the varint of \(old)")
        bytes.replaceSubrange(start..<o, with: replacement)
        bytes.setU32(crc(bytes[128...]), at: 12)
        bytes.setU32(crc(bytes[0..<112]), at: 112)
        try Files.write(bytes, to: path)
    }
}
