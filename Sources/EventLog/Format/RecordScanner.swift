/// Walks the records of a segment image and checks each one's structure and CRC. Used by open
/// (recovery) and by `verify`.
enum RecordScanner {
    enum Record {
        case dictionary(offset: Int, length: Int)
        case batch(offset: Int, header: BatchHeader)
    }

    enum Problem: Error, CustomStringConvertible {
        /// The record does not fit in the bytes that remain.
        case incomplete
        case badMagic
        case badChecksum
        case malformed(String)

        var description: String {
            switch self {
            case .incomplete: return "record is incomplete"
            case .badMagic: return "no record starts here"
            case .badChecksum: return "checksum mismatch"
            case .malformed(let why): return why
            }
        }
    }

    /// The record at `offset` and the offset after it.
    static func record(in segment: UnsafeRawBufferPointer, at offset: Int) -> Result<(Record, Int), Problem> {
        let remaining = segment.count - offset
        guard remaining >= 4 else { return .failure(.incomplete) }
        let magic = segment.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
        switch magic {
        case RecordMagic.batch:
            guard remaining >= BatchHeader.size else { return .failure(.incomplete) }
            let raw = UnsafeRawBufferPointer(rebasing: segment[offset...])
            let header: BatchHeader
            do { header = try BatchHeader.decode(raw) } catch { return .failure(.malformed(error.description)) }
            guard header.recordLength <= remaining else { return .failure(.incomplete) }
            let record = UnsafeRawBufferPointer(rebasing: segment[offset..<(offset + header.recordLength)])
            guard BatchHeader.computeChecksum(record: record) == BatchHeader.storedChecksum(record) else {
                return .failure(.badChecksum)
            }
            return .success((.batch(offset: offset, header: header), offset + header.recordLength))
        case RecordMagic.dictionary:
            guard remaining >= DictionaryRecord.headerSize else { return .failure(.incomplete) }
            let length = Int(segment.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
            guard length <= DictionaryRecord.maxSize else { return .failure(.malformed("dictionary too large")) }
            guard DictionaryRecord.headerSize + length <= remaining else { return .failure(.incomplete) }
            let stored = segment.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self).littleEndian
            var crc = fabriek_crc32c(0, segment.baseAddress! + offset, 8)
            crc = fabriek_crc32c(crc, segment.baseAddress! + offset + 12, length)
            guard crc == stored else { return .failure(.badChecksum) }
            return .success((.dictionary(offset: offset, length: length), offset + 12 + length))
        default:
            return .failure(.badMagic)
        }
    }

    /// True when a valid batch record starts anywhere after `offset`: then a bad record at
    /// `offset` is damage inside the log, not a torn tail.
    static func hasValidBatch(in segment: UnsafeRawBufferPointer, after offset: Int) -> Bool {
        var found = false
        forEachValidBatch(in: segment, after: offset) { _, _ in found = true; return false }
        return found
    }

    /// Calls `body` with each valid batch record that starts after `offset` (its offset and
    /// header), in order, while `body` returns true.
    static func forEachValidBatch(in segment: UnsafeRawBufferPointer, after offset: Int, _ body: (Int, BatchHeader) -> Bool) {
        var o = offset + 1
        while o + BatchHeader.size <= segment.count {
            if segment[o] == 0x42, segment.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian == RecordMagic.batch,
               case .success(let (.batch(_, header), _)) = record(in: segment, at: o) {
                guard body(o, header) else { return }
            }
            o += 1
        }
    }

    /// The block table of a batch record (varints: event count, compressed length, uncompressed
    /// length per block) and the offset of its first block; nil when the table does not parse
    /// inside the body or does not describe it: the compressed lengths must fill the body after
    /// the table exactly, the uncompressed lengths must add up to the header's uncompressed
    /// length, and no block may claim more than LZ4 can expand it to (255 bytes per stored
    /// byte). Readers size their buffers from these lengths, so a header or table that asks for
    /// gigabytes from a few bytes (a forged record with recomputed CRCs) is refused here,
    /// before anything is allocated.
    static func blockTable(in segment: UnsafeRawBufferPointer, batchOffset: Int,
                           header: BatchHeader) -> (entries: [BlockEntry], dataOffset: Int)? {
        let bodyStart = batchOffset + BatchHeader.size
        guard bodyStart + Int(header.bodyLength) <= segment.count else { return nil }
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: segment[bodyStart..<(bodyStart + Int(header.bodyLength))]))
        var entries: [BlockEntry] = []
        entries.reserveCapacity(Int(header.blockCount))
        var storedTotal: UInt64 = 0, rawTotal: UInt64 = 0
        do throws(FormatError) {
            for _ in 0..<Int(header.blockCount) {
                let events = try r.readVarint(), stored = try r.readVarint(), raw = try r.readVarint()
                guard events <= UInt64(UInt32.max), stored <= UInt64(UInt32.max), raw <= UInt64(UInt32.max),
                      raw <= stored * maxLZ4Expansion else { return nil }
                storedTotal += stored
                rawTotal += raw
                entries.append(BlockEntry(eventCount: UInt32(events), storedLength: UInt32(stored), rawLength: UInt32(raw)))
            }
        } catch {
            return nil
        }
        guard storedTotal == UInt64(Int(header.bodyLength) - r.offset),
              rawTotal == UInt64(header.uncompressedLength) else { return nil }
        return (entries, bodyStart + r.offset)
    }

    /// The most an LZ4 block can expand: each stored byte yields at most 255 bytes (a match
    /// length byte of 255).
    static let maxLZ4Expansion: UInt64 = 255
}

import CCRC32C
