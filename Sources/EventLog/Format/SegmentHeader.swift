import CCRC32C

/// The 64-byte header that opens every segment file (see FORMAT.md).
struct SegmentHeader: Equatable {
    static let size = 64
    static let magic: [UInt8] = Array("FABRIEKS".utf8)
    static let formatVersion: UInt16 = 2

    var number: UInt32
    var firstPosition: UInt64
    var previousHash: ChainHash

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.appendRaw(Self.magic)
        w.append(Self.formatVersion)
        w.append(UInt16(Self.size))
        w.append(number)
        w.append(firstPosition)
        w.appendRaw(previousHash.bytes)
        w.append(UInt32(0))
        let crc = w.bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, 60) }
        w.append(crc)
        return w.bytes
    }

    enum DecodeError: Error { case truncated, badMagic, badChecksum, unsupportedVersion(UInt16) }

    static func decode(_ raw: UnsafeRawBufferPointer) throws(DecodeError) -> SegmentHeader {
        guard raw.count >= size else { throw .truncated }
        guard raw.prefix(8).elementsEqual(magic) else { throw .badMagic }
        let stored = raw.loadUnaligned(fromByteOffset: 60, as: UInt32.self).littleEndian
        guard fabriek_crc32c(0, raw.baseAddress, 60) == stored else { throw .badChecksum }
        let version = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        return SegmentHeader(
            number: raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian,
            firstPosition: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self).littleEndian,
            previousHash: ChainHash(unchecked: Array(raw[24..<56])))
    }
}
