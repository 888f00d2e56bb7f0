import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening a log: map every segment, check every record, deal with a torn tail (see
/// `Recovery+Tail.swift`), rebuild the batch and block tables (the time index) and bring the
/// stream index up to the head.
enum Recovery {
    struct Result {
        var state: LogState
        /// Offset and bytes of the dictionary in force at the end of the last segment.
        var dictionaryOffset: UInt32
        var dictionary: [UInt8]
        /// What was found (and, writable, cut) after the last whole record.
        var report: RecoveryReport
        /// The head the stream index file recorded (its covered position and hash), when the
        /// file was readable.
        var indexedHead: IndexedHead
    }

    /// The head a stream index file recorded: the position it covers and the chain hash there,
    /// computed by the writer that saved it (at close, or at a checkpoint).
    enum IndexedHead {
        /// No readable index file.
        case none
        /// The log's chain has that hash at that position: the file is used.
        case matches(LogHead)
        /// The position is beyond the head: the log lost its end since (a cut torn tail).
        case beyondHead(LogHead)
        /// The chain's hash there differs: the commit ending there changed since it was saved.
        case differs(LogHead)
    }

    static func run(directory: String, options: EventLog.Options) throws -> Result {
        let segmentsDirectory = directory + "/segments"
        let numbers = try segmentNumbers(in: segmentsDirectory)
        var scan = Scan(directory: segmentsDirectory, readOnly: options.readOnly)
        for (i, number) in numbers.enumerated() {
            let more = try scan.add(segment: number, isLast: i == numbers.count - 1)
            if !more { break }
        }
        try prepareForAppends(&scan, options: options)
        let head = try headAfter(scan)
        var dictionary: [UInt8] = []
        if scan.dictionaryLength > 0, let last = scan.segments.last {
            dictionary = Array(last.bytes(Int(scan.dictionaryOffset) + DictionaryRecord.headerSize, scan.dictionaryLength))
        }
        var state = LogState(head: head, lastRecordedAt: scan.lastRecordedAt == .min ? 0 : scan.lastRecordedAt,
                             segments: scan.segments, segmentLengths: scan.lengths, batches: scan.batches,
                             blocks: scan.blocks, index: StreamIndex(file: nil))
        let (index, indexed) = try loadStreamIndex(directory: directory, state: state)
        state.index = index
        return Result(state: state, dictionaryOffset: scan.dictionaryOffset, dictionary: dictionary,
                      report: RecoveryReport(tail: scan.findings), indexedHead: indexed)
    }

    /// The numbers of the segment files, in order; throws when one is missing in between.
    static func segmentNumbers(in directory: String) throws(LogError) -> [UInt32] {
        var numbers: [UInt32] = []
        for name in FileIO.listDirectory(directory) where name.hasSuffix(".seg") {
            guard let n = UInt32(name.dropLast(4)) else { continue }
            numbers.append(n)
        }
        numbers.sort()
        for (i, n) in numbers.enumerated() where n != UInt32(i + 1) {
            throw LogError.corruptSegment(segment: MappedSegment.fileName(n),
                                          reason: "segment \(i + 1) is missing; the log cannot continue past it")
        }
        return numbers
    }

    /// Maps the segment appends go to with room to grow, or creates the first segment of a new
    /// log (the last file may have been a torn roll that was set aside, so this is decided only
    /// after the scan).
    static func prepareForAppends(_ scan: inout Scan, options: EventLog.Options) throws {
        guard !options.readOnly else { return }
        if let last = scan.segments.last {
            scan.segments[scan.segments.count - 1] = try MappedSegment(
                number: last.number, path: last.path, name: last.name,
                capacity: max(scan.lengths[scan.lengths.count - 1], options.segmentSize) + LogWriter.mappingSlack)
            return
        }
        let name = MappedSegment.fileName(1)
        let path = scan.directory + "/" + name
        let header = SegmentHeader(number: 1, firstPosition: 1, previousHash: .zero).encoded()
        try FileIO.writeFileAtomically(path, directory: scan.directory, bytes: header)
        scan.segments.append(try MappedSegment(number: 1, path: path, name: name,
                                               capacity: options.segmentSize + LogWriter.mappingSlack))
        scan.lengths.append(SegmentHeader.size)
    }

    /// The head: the last batch's chain hash recomputed from its content (or the last segment
    /// header's hash when no batch follows it).
    static func headAfter(_ scan: Scan) throws -> LogHead {
        guard let h = scan.lastHeader else {
            return LogHead(position: 0, hash: scan.segments.isEmpty ? .zero : scan.lastSegmentHash)
        }
        let segment = scan.segments[scan.lastBatchSegment]
        let content = try BatchReader.content(segment: segment, length: scan.lengths[scan.lastBatchSegment],
                                              batchOffset: scan.lastBatchOffset, header: h)
        var hasher = ChainHasher(previous: h.previousHash, firstPosition: h.firstPosition,
                                 eventCount: h.eventCount, firstRecordedAt: h.firstRecordedAt)
        content.withUnsafeBytes { hasher.update($0) }
        let head = LogHead(position: h.lastPosition, hash: hasher.finalize())
        // Segments after the last batch (only headers and dictionaries) must continue its hash.
        if let last = scan.segments.last, scan.lastBatchSegment < scan.segments.count - 1 {
            let next = try SegmentHeader.decode(last.bytes(0, SegmentHeader.size))
            guard next.previousHash == head.hash else {
                throw LogError.corruptSegment(segment: last.name, reason: "header does not continue the hash chain")
            }
        }
        return head
    }

    /// The persisted index if it matches this log, brought up to the head from the segments;
    /// otherwise a full rebuild. A file that matches the chain may still have been forged with
    /// recomputed checksums: reads check what it returns (see `EventLog.readStream`).
    static func loadStreamIndex(directory: String, state: LogState) throws -> (StreamIndex, IndexedHead) {
        var file: StreamIndexFile?
        do {
            file = try StreamIndexFile.open(path: directory + "/index/streams.idx")
        } catch {
            file = nil
        }
        var indexed = IndexedHead.none
        if let f = file {
            let recorded = LogHead(position: f.coveredPosition, hash: f.coveredHash)
            if f.coveredPosition > state.head.position {
                indexed = .beyondHead(recorded)
                file = nil
            } else if let hash = hash(at: f.coveredPosition, state), hash == f.coveredHash {
                indexed = .matches(recorded)
            } else {
                indexed = .differs(recorded)
                file = nil
            }
        }
        return (try catchUp(StreamIndex(file: file), state: state), indexed)
    }

    /// Records every event after the index's coverage up to the state's head.
    static func catchUp(_ index: StreamIndex, state: LogState) throws -> StreamIndex {
        var index = index
        let from = max(index.coveredPosition, index.lastRecordedPosition) + 1
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
