import Foundation

/// A test-side reading of the on-disk format (Sources/EventLog/FORMAT.md), independent of the
/// engine's code: where each record of a segment file starts and ends, and the batch header
/// fields the damage tests need.
struct SegmentLayout {
    static let headerSize = 64
    static let batchHeaderSize = 84
    static let dictHeaderSize = 12

    struct Record {
        enum Kind: Equatable { case dictionary, batch }
        var kind: Kind
        /// Byte offset of the record's magic in the segment file.
        var offset: Int
        /// Total length of the record, header included.
        var length: Int
        var end: Int { offset + length }

        // Batch fields (zero for dictionaries).
        var blockCount = 0
        var firstPosition: UInt64 = 0
        var eventCount = 0
        var bodyLength = 0
        var dictionaryOffset = 0
        var uncompressedLength = 0
        var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    var segmentNumber: UInt32
    var firstPosition: UInt64
    var records: [Record]
    var batches: [Record] { records.filter { $0.kind == .batch } }

    /// Parses a complete (untorn) segment image.
    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= Self.headerSize, Array(bytes[0..<8]) == Array("FABRIEKS".utf8) else {
            throw ParseError(description: "no segment header")
        }
        segmentNumber = bytes.u32(12)
        firstPosition = bytes.u64(16)
        records = []
        var offset = Self.headerSize
        while offset < bytes.count {
            guard offset + 4 <= bytes.count else { throw ParseError(description: "partial magic at \(offset)") }
            let magic = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            switch magic {
            case "DICT":
                let length = Self.dictHeaderSize + Int(bytes.u32(offset + 4))
                records.append(Record(kind: .dictionary, offset: offset, length: length))
                offset += length
            case "BTCH":
                var r = Record(kind: .batch, offset: offset, length: 0)
                r.blockCount = Int(bytes.u16(offset + 6))
                r.firstPosition = bytes.u64(offset + 8)
                r.eventCount = Int(bytes.u32(offset + 16))
                r.bodyLength = Int(bytes.u32(offset + 20))
                r.dictionaryOffset = Int(bytes.u32(offset + 40))
                r.uncompressedLength = Int(bytes.u32(offset + 44))
                r.length = Self.batchHeaderSize + r.bodyLength
                records.append(r)
                offset += r.length
            default:
                throw ParseError(description: "unknown record magic '\(magic)' at \(offset)")
            }
            guard offset <= bytes.count else { throw ParseError(description: "record past the end of the file") }
        }
    }

    /// The segment files of a log directory, in log order (full paths).
    static func segmentPaths(ofLog directory: String) throws -> [String] {
        let dir = directory + "/segments"
        return try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".seg") }
            .sorted()
            .map { dir + "/" + $0 }
    }
}

extension Array where Element == UInt8 {
    func u16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(self[at + $1]) << (8 * UInt32($1)) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(self[at + $1]) << (8 * UInt64($1)) } }

    mutating func setU32(_ value: UInt32, at: Int) {
        for i in 0..<4 { self[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }
}
