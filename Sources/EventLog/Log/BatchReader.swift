import Foundation

/// Decompresses blocks and walks the events in them. Works on a snapshot of block references
/// and segments, so the log's lock is not held while decompressing.
struct BatchReader: ~Copyable {
    private var scratch: UnsafeMutableRawPointer
    private var scratchCapacity: Int
    /// The block currently decompressed in `scratch` (segment index, data offset).
    private var loaded: (UInt32, UInt32)?

    /// Room for a block the writer made (about `LogWriter.blockTarget` bytes, one event more at
    /// most); grown for a larger one. Small, because a reader is made for every short read: a
    /// stream's load, and the writer's check of each false event-id candidate.
    init() {
        scratchCapacity = 2 * LogWriter.blockTarget
        scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
    }

    deinit { scratch.deallocate() }

    /// The LZ4 dictionary a block needs (empty when none).
    static func dictionary(for block: BlockRef, in segment: MappedSegment) -> UnsafeRawBufferPointer {
        guard block.dictionaryOffset != 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let o = Int(block.dictionaryOffset)
        let length = Int(segment.base.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self).littleEndian)
        return segment.bytes(o + DictionaryRecord.headerSize, length)
    }

    /// Decompresses `block` (reusing the last result when it is the same block) and returns its
    /// uncompressed bytes, valid until the next call.
    mutating func load(_ block: BlockRef, segments: [MappedSegment]) throws(LogError) -> UnsafeRawBufferPointer {
        let key = (block.segmentIndex, block.dataOffset)
        if let l = loaded, l == key { return UnsafeRawBufferPointer(start: scratch, count: Int(block.rawLength)) }
        let raw = Int(block.rawLength)
        if raw > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(raw, scratchCapacity * 2)
            scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
        }
        let segment = segments[Int(block.segmentIndex)]
        let source = segment.bytes(Int(block.dataOffset), Int(block.storedLength))
        guard BlockDecompressor.decompress(source, into: scratch, rawLength: raw,
                                           dictionary: Self.dictionary(for: block, in: segment)) else {
            loaded = nil
            throw .corruptBatch(segment: segment.name, offset: UInt64(block.dataOffset), position: block.firstPosition,
                                reason: "block does not decompress")
        }
        loaded = key
        return UnsafeRawBufferPointer(start: scratch, count: raw)
    }

    /// Calls `body` for the events of `block` whose positions lie in `range`.
    mutating func forEachEvent(in block: BlockRef, segments: [MappedSegment], range: ClosedRange<UInt64>,
                               _ body: (borrowing EventView) throws -> Void) throws {
        let content = try load(block, segments: segments)
        try Self.walk(content, of: block, segmentName: segments[Int(block.segmentIndex)].name, range: range, body)
    }

    /// Decodes the events of one decompressed block and calls `body` for those in `range`.
    @inline(__always)
    static func walk(_ content: UnsafeRawBufferPointer, of block: BlockRef, segmentName: @autoclosure () -> String,
                     range: ClosedRange<UInt64>, _ body: (borrowing EventView) throws -> Void) throws {
        guard range.upperBound >= block.firstPosition, range.lowerBound <= block.lastPosition else { return }
        let skip = range.lowerBound > block.firstPosition ? Int(range.lowerBound - block.firstPosition) : 0
        let limit = Int(Swift.min(block.lastPosition, range.upperBound) - block.firstPosition) + 1
        try BlockDecoder.forEachEvent(
            in: content, eventCount: Int(block.eventCount), firstPosition: block.firstPosition,
            batchFirstRecordedAt: block.batchFirstRecordedAt, skip: skip, limit: limit,
            malformed: { error, position in
                LogError.corruptBatch(segment: segmentName(), offset: UInt64(block.dataOffset),
                                      position: position, reason: "event encoding: \(error)")
            }, body)
    }

    /// Walks events `from...through` of a state snapshot (used while opening).
    static func forEachEvent(in state: LogState, from: UInt64, through: UInt64,
                             _ body: (borrowing EventView) throws -> Void) throws {
        guard from <= through, var i = state.blocks.index(holding: from) else { return }
        var reader = BatchReader()
        while i < state.blocks.count, state.blocks[i].firstPosition <= through {
            try reader.forEachEvent(in: state.blocks[i], segments: state.segments, range: from...through, body)
            i += 1
        }
    }

    /// The whole uncompressed content of a batch (for hashing).
    static func content(segment: MappedSegment, length: Int, batchOffset: Int, header: BatchHeader) throws(LogError) -> [UInt8] {
        let image = segment.bytes(0, length)
        guard let (entries, firstBlock) = RecordScanner.blockTable(in: image, batchOffset: batchOffset, header: header) else {
            throw .corruptBatch(segment: segment.name, offset: UInt64(batchOffset), position: header.firstPosition,
                                reason: "block table does not parse or does not match the lengths in the header")
        }
        var out = [UInt8](repeating: 0, count: Int(header.uncompressedLength))
        var dataOffset = firstBlock
        var rawOffset = 0
        let dictionary: UnsafeRawBufferPointer
        if header.dictionaryOffset != 0 {
            let o = Int(header.dictionaryOffset)
            let n = Int(segment.base.loadUnaligned(fromByteOffset: o + 4, as: UInt32.self).littleEndian)
            dictionary = segment.bytes(o + DictionaryRecord.headerSize, n)
        } else {
            dictionary = UnsafeRawBufferPointer(start: nil, count: 0)
        }
        let ok = out.withUnsafeMutableBytes { dst -> Bool in
            for e in entries {
                guard rawOffset + Int(e.rawLength) <= dst.count,
                      dataOffset + Int(e.storedLength) <= length,
                      BlockDecompressor.decompress(segment.bytes(dataOffset, Int(e.storedLength)),
                                                   into: dst.baseAddress! + rawOffset, rawLength: Int(e.rawLength),
                                                   dictionary: dictionary) else { return false }
                rawOffset += Int(e.rawLength)
                dataOffset += Int(e.storedLength)
            }
            return rawOffset == dst.count
        }
        guard ok else {
            throw .corruptBatch(segment: segment.name, offset: UInt64(batchOffset), position: header.firstPosition,
                                reason: "blocks do not decompress to the batch's content")
        }
        return out
    }
}
