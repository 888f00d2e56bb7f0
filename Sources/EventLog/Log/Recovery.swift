import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opening a log: map every segment, check every record, cut a torn tail, rebuild the batch and
/// block tables (the time index) and bring the stream index up to the head.
enum Recovery {
    struct Result {
        var state: LogState
        /// Offset and bytes of the dictionary in force at the end of the last segment.
        var dictionaryOffset: UInt32
        var dictionary: [UInt8]
    }

    static func run(directory: String, options: EventLog.Options) throws -> Result {
        let segDir = directory + "/segments"
        var numbers: [UInt32] = []
        for name in FileIO.listDirectory(segDir) where name.hasSuffix(".seg") {
            guard let n = UInt32(name.dropLast(4)) else { continue }
            numbers.append(n)
        }
        numbers.sort()
        for (i, n) in numbers.enumerated() where n != UInt32(i + 1) {
            throw LogError.corruptSegment(segment: MappedSegment.fileName(n),
                                          reason: "segment \(i + 1) is missing; the log cannot continue past it")
        }

        var segments: [MappedSegment] = []
        var lengths: [Int] = []
        var batches: [BatchRef] = []
        var blocks: [BlockRef] = []
        var nextPosition: UInt64 = 1
        var lastHeader: BatchHeader?
        var lastBatchSegment = 0
        var lastBatchOffset = 0
        var dictionaryOffset: UInt32 = 0
        var dictionaryLength = 0
        var lastRecordedAt: Int64 = .min
        var headHashIfEmptyTail = ChainHash.zero

        for (i, number) in numbers.enumerated() {
            let name = MappedSegment.fileName(number)
            let path = segDir + "/" + name
            let isLast = i == numbers.count - 1
            let fd = try FileIO.open(path, options.readOnly ? O_RDONLY : O_RDWR)
            defer { close(fd) }
            var fileLength = try FileIO.size(fd, path: path)
            if fileLength < SegmentHeader.size {
                // A segment whose header never became durable: only possible at the tail.
                guard isLast else {
                    throw LogError.corruptSegment(segment: name, reason: "shorter than its header")
                }
                if !options.readOnly {
                    unlink(path)
                    try FileIO.fsyncDirectory(segDir)
                }
                break
            }
            let capacity = fileLength
            let segment = try MappedSegment(number: number, path: path, name: name, capacity: capacity)
            let header: SegmentHeader
            do {
                header = try SegmentHeader.decode(segment.bytes(0, SegmentHeader.size))
            } catch .unsupportedVersion(let v) {
                throw LogError.unsupportedFormat(segment: name, version: v)
            } catch {
                // A roll interrupted before its header was durable: the new last segment holds
                // no batch, so nothing acknowledged is in it.
                if isLast && !RecordScanner.hasValidBatch(in: segment.bytes(0, fileLength), after: SegmentHeader.size - 1) {
                    if !options.readOnly {
                        unlink(path)
                        try FileIO.fsyncDirectory(segDir)
                    }
                    break
                }
                throw LogError.corruptSegment(segment: name, reason: "header unreadable (\(error))")
            }
            guard header.number == number else {
                throw LogError.corruptSegment(segment: name, reason: "header names segment \(header.number)")
            }
            guard header.firstPosition == nextPosition else {
                throw LogError.corruptSegment(
                    segment: name, reason: "starts at position \(header.firstPosition), expected \(nextPosition)")
            }
            headHashIfEmptyTail = header.previousHash
            let image = segment.bytes(0, fileLength)
            var offset = SegmentHeader.size
            var segmentDictionary: (UInt32, Int) = (0, 0)
            while offset < fileLength {
                switch RecordScanner.record(in: image, at: offset) {
                case .success(let (record, next)):
                    switch record {
                    case .dictionary(let o, let length):
                        segmentDictionary = (UInt32(o), length)
                    case .batch(let o, let h):
                        guard h.firstPosition == nextPosition else {
                            throw LogError.corruptBatch(segment: name, offset: UInt64(o), position: nextPosition,
                                                        reason: "batch starts at position \(h.firstPosition)")
                        }
                        guard h.firstRecordedAt >= lastRecordedAt || lastRecordedAt == .min,
                              h.lastRecordedAt >= h.firstRecordedAt else {
                            throw LogError.corruptBatch(segment: name, offset: UInt64(o), position: nextPosition,
                                                        reason: "recorded-at goes backwards")
                        }
                        if h.dictionaryOffset != 0 && h.dictionaryOffset != segmentDictionary.0 {
                            throw LogError.corruptBatch(segment: name, offset: UInt64(o), position: nextPosition,
                                                        reason: "refers to a dictionary that is not in force")
                        }
                        guard let (entries, firstBlock) = RecordScanner.blockTable(in: image, batchOffset: o, header: h) else {
                            throw LogError.corruptBatch(segment: name, offset: UInt64(o), position: nextPosition,
                                                        reason: "block table does not parse")
                        }
                        var dataOffset = firstBlock
                        var p = h.firstPosition
                        var sum: UInt64 = 0
                        for e in entries {
                            blocks.append(BlockRef(firstPosition: p, batchFirstRecordedAt: h.firstRecordedAt,
                                                   segmentIndex: UInt32(i), dataOffset: UInt32(dataOffset),
                                                   storedLength: e.storedLength, rawLength: e.rawLength,
                                                   dictionaryOffset: h.dictionaryOffset, eventCount: e.eventCount))
                            p += UInt64(e.eventCount)
                            sum += UInt64(e.eventCount)
                            dataOffset += Int(e.storedLength)
                        }
                        guard sum == UInt64(h.eventCount), dataOffset == o + h.recordLength,
                              entries.allSatisfy({ $0.eventCount > 0 }) else {
                            throw LogError.corruptBatch(segment: name, offset: UInt64(o), position: nextPosition,
                                                        reason: "block table does not match the batch")
                        }
                        batches.append(BatchRef(firstPosition: h.firstPosition, eventCount: h.eventCount,
                                                segmentIndex: UInt32(i), recordOffset: UInt32(o),
                                                firstRecordedAt: h.firstRecordedAt, lastRecordedAt: h.lastRecordedAt))
                        nextPosition = h.lastPosition + 1
                        lastRecordedAt = h.lastRecordedAt
                        lastHeader = h
                        lastBatchSegment = i
                        lastBatchOffset = o
                    }
                    offset = next
                case .failure(let problem):
                    let torn = isLast && !RecordScanner.hasValidBatch(in: image, after: offset)
                    guard torn else {
                        throw LogError.corruptBatch(segment: name, offset: UInt64(offset), position: nextPosition,
                                                    reason: problem.description)
                    }
                    if !options.readOnly {
                        try FileIO.truncate(fd, to: offset, path: path)
                        try FileIO.fdatasync(fd, path: path)
                    }
                    fileLength = offset
                }
            }
            segments.append(segment)
            lengths.append(fileLength)
            dictionaryOffset = segmentDictionary.0
            dictionaryLength = segmentDictionary.1
        }

        // The segment appends go to is mapped with room to grow (the last file may have been a
        // torn roll that was removed above, so this is decided only now).
        if let last = segments.last, !options.readOnly {
            segments[segments.count - 1] = try MappedSegment(
                number: last.number, path: last.path, name: last.name,
                capacity: max(lengths[lengths.count - 1], options.segmentSize) + LogWriter.mappingSlack)
        }
        if segments.isEmpty && !options.readOnly {
            let name = MappedSegment.fileName(1)
            let path = segDir + "/" + name
            let header = SegmentHeader(number: 1, firstPosition: 1, previousHash: .zero).encoded()
            try FileIO.writeFileAtomically(path, directory: segDir, bytes: header)
            segments.append(try MappedSegment(number: 1, path: path, name: name,
                                              capacity: options.segmentSize + LogWriter.mappingSlack))
            lengths.append(SegmentHeader.size)
        }

        // The head hash: recompute the last batch's chain hash from its content.
        var head = LogHead.empty
        if let h = lastHeader {
            let segment = segments[lastBatchSegment]
            let content = try BatchReader.content(segment: segment, length: lengths[lastBatchSegment],
                                                  batchOffset: lastBatchOffset, header: h)
            var hasher = ChainHasher(previous: h.previousHash, firstPosition: h.firstPosition,
                                     eventCount: h.eventCount, firstRecordedAt: h.firstRecordedAt)
            content.withUnsafeBytes { hasher.update($0) }
            head = LogHead(position: h.lastPosition, hash: hasher.finalize())
        }
        if head.position == 0 { head.hash = segments.isEmpty ? .zero : headHashIfEmptyTail }
        // Segments after the last batch (only headers and dictionaries) must continue its hash.
        if let last = segments.last, lastHeader != nil, lastBatchSegment < segments.count - 1 {
            let h = try SegmentHeader.decode(last.bytes(0, SegmentHeader.size))
            guard h.previousHash == head.hash else {
                throw LogError.corruptSegment(segment: last.name, reason: "header does not continue the hash chain")
            }
        }

        var dictionary: [UInt8] = []
        if dictionaryLength > 0, let last = segments.last {
            dictionary = Array(last.bytes(Int(dictionaryOffset) + DictionaryRecord.headerSize, dictionaryLength))
        }

        var state = LogState(head: head, lastRecordedAt: lastRecordedAt == .min ? 0 : lastRecordedAt,
                             segments: segments, segmentLengths: lengths, batches: batches, blocks: blocks,
                             index: StreamIndex(file: nil))
        state.index = try loadStreamIndex(directory: directory, state: state, readOnly: options.readOnly)
        return Result(state: state, dictionaryOffset: dictionaryOffset, dictionary: dictionary)
    }

    /// The persisted index if it matches this log, brought up to the head from the segments;
    /// otherwise a full rebuild.
    static func loadStreamIndex(directory: String, state: LogState, readOnly: Bool) throws -> StreamIndex {
        var file: StreamIndexFile?
        do {
            file = try StreamIndexFile.open(path: directory + "/index/streams.idx")
        } catch {
            file = nil
        }
        if let f = file, !(f.coveredPosition <= state.head.position && hash(at: f.coveredPosition, state) == f.coveredHash) {
            file = nil
        }
        var index = StreamIndex(file: file)
        let from = index.coveredPosition + 1
        if from <= state.head.position {
            try BatchReader.forEachEvent(in: state, from: from, through: state.head.position) { view in
                index.record(key: IndexHashing.key(view.streamBytes), position: view.position)
            }
        }
        return index
    }

    /// The chain hash after `position`, if it ends a batch (read from the next batch's header).
    static func hash(at position: UInt64, _ state: LogState) -> ChainHash? {
        if position == state.head.position { return state.head.hash }
        if position == 0 { return .zero }
        guard let i = state.batches.index(holding: position), state.batches[i].lastPosition == position,
              i + 1 < state.batches.count else { return nil }
        let next = state.batches[i + 1]
        let segment = state.segments[Int(next.segmentIndex)]
        return ChainHash(unchecked: Array(segment.bytes(Int(next.recordOffset) + 48, 32)))
    }
}
