import CCRC32C

/// Record magics (little-endian u32 of the ASCII text).
enum RecordMagic {
    static let batch: UInt32 = 0x4843_5442  // "BTCH"
    static let dictionary: UInt32 = 0x5443_4944  // "DICT"
}

/// The fixed, uncompressed header of a batch record: one commit (see FORMAT.md).
struct BatchHeader {
    static let size = 84
    static let formatVersion: UInt16 = 2
    /// The least a block table entry takes (three one-byte varints).
    static let minimumBlockEntrySize = 3
    /// The most a block table entry takes (three u32 varints).
    static let maximumBlockEntrySize = 15

    var blockCount: UInt16
    var firstPosition: UInt64
    var eventCount: UInt32
    var bodyLength: UInt32
    var firstRecordedAt: Int64
    var lastRecordedAt: Int64
    var dictionaryOffset: UInt32
    var uncompressedLength: UInt32
    var previousHash: ChainHash

    var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
    var recordLength: Int { Self.size + Int(bodyLength) }

    /// The header bytes without the CRC (80 bytes).
    func encodedWithoutChecksum() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.append(RecordMagic.batch)
        w.append(Self.formatVersion)
        w.append(blockCount)
        w.append(firstPosition)
        w.append(eventCount)
        w.append(bodyLength)
        w.append(firstRecordedAt)
        w.append(lastRecordedAt)
        w.append(dictionaryOffset)
        w.append(uncompressedLength)
        w.appendRaw(previousHash.bytes)
        return w.bytes
    }

    /// Parses the header fields; does not check the CRC (see `RecordScanner`).
    static func decode(_ raw: UnsafeRawBufferPointer) throws(FormatError) -> BatchHeader {
        guard raw.count >= size else { throw .truncated }
        var r = ByteReader(raw)
        guard try r.read(UInt32.self) == RecordMagic.batch else { throw .malformed("not a batch record") }
        let version = try r.read(UInt16.self)
        guard version == formatVersion else { throw .malformed("batch format version \(version) unknown") }
        let header = BatchHeader(
            blockCount: try r.read(UInt16.self),
            firstPosition: try r.read(UInt64.self),
            eventCount: try r.read(UInt32.self),
            bodyLength: try r.read(UInt32.self),
            firstRecordedAt: try r.read(Int64.self),
            lastRecordedAt: try r.read(Int64.self),
            dictionaryOffset: try r.read(UInt32.self),
            uncompressedLength: try r.read(UInt32.self),
            previousHash: ChainHash(unchecked: Array(try r.readBytes(32))))
        guard header.eventCount > 0, header.blockCount > 0 else { throw .malformed("batch without events") }
        guard header.firstPosition > 0 else { throw .malformed("batch at position 0") }
        guard Int(header.bodyLength) >= Int(header.blockCount) * minimumBlockEntrySize else {
            throw .malformed("body shorter than its block table")
        }
        return header
    }

    static func storedChecksum(_ raw: UnsafeRawBufferPointer) -> UInt32 {
        raw.loadUnaligned(fromByteOffset: 80, as: UInt32.self).littleEndian
    }

    /// CRC over header bytes 0..<80 and the body.
    static func computeChecksum(record: UnsafeRawBufferPointer) -> UInt32 {
        let base = record.baseAddress!
        var crc = fabriek_crc32c(0, base, 80)
        crc = fabriek_crc32c(crc, base + size, record.count - size)
        return crc
    }
}

/// One entry of a batch's block table.
struct BlockEntry {
    var eventCount: UInt32
    var storedLength: UInt32
    var rawLength: UInt32
}

/// A dictionary record: recent uncompressed content, the LZ4 dictionary of the batches after it.
enum DictionaryRecord {
    static let headerSize = 12
    static let maxSize = 64 * 1024

    static func encode(_ dictionary: UnsafeRawBufferPointer) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize + dictionary.count)
        w.append(RecordMagic.dictionary)
        w.append(UInt32(dictionary.count))
        var crc = w.bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, 8) }
        crc = fabriek_crc32c(crc, dictionary.baseAddress, dictionary.count)
        w.append(crc)
        w.appendRaw(dictionary)
        return w.bytes
    }
}
