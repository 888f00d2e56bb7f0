import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Recovery {
    /// The segments read so far while opening, and the tables built from their records.
    struct Scan {
        let directory: String
        let readOnly: Bool
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
        /// The chain hash the last segment's header continues.
        var lastSegmentHash = ChainHash.zero
        var findings: [RecoveryReport.TailFinding] = []

        init(directory: String, readOnly: Bool) {
            self.directory = directory
            self.readOnly = readOnly
        }

        /// Maps and checks one segment file. Returns false when the file was a torn roll at the
        /// tail (set aside, nothing more to read).
        mutating func add(segment number: UInt32, isLast: Bool) throws -> Bool {
            let name = MappedSegment.fileName(number)
            let path = directory + "/" + name
            let fd = try FileIO.open(path, readOnly ? O_RDONLY : O_RDWR)
            defer { close(fd) }
            let fileLength = try FileIO.size(fd, path: path)
            if fileLength < SegmentHeader.size {
                // A segment whose header never became durable: only possible at the tail.
                guard isLast else { throw LogError.corruptSegment(segment: name, reason: "shorter than its header") }
                try setAsideTornRoll(name: name, path: path, length: fileLength, reason: "a segment file shorter than its header: a roll interrupted before the header was durable")
                return false
            }
            let segment = try MappedSegment(number: number, path: path, name: name, capacity: fileLength)
            let image = segment.bytes(0, fileLength)
            let header: SegmentHeader
            do {
                header = try SegmentHeader.decode(image)
            } catch .unsupportedVersion(let v) {
                throw LogError.unsupportedFormat(segment: name, version: v)
            } catch {
                // A roll interrupted before its header was durable: the new last segment holds
                // no batch, so nothing acknowledged is in it.
                if isLast && !RecordScanner.hasValidBatch(in: image, after: SegmentHeader.size - 1) {
                    try setAsideTornRoll(name: name, path: path, length: fileLength,
                                         reason: "the segment header is unreadable (\(error)) and no batch follows it: a roll interrupted before the header was durable")
                    return false
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
            lastSegmentHash = header.previousHash
            let index = segments.count
            var length = fileLength
            var offset = SegmentHeader.size
            var segmentDictionary: (UInt32, Int) = (0, 0)
            while offset < length {
                switch RecordScanner.record(in: image, at: offset) {
                case .success(let (record, next)):
                    switch record {
                    case .dictionary(let o, let n):
                        segmentDictionary = (UInt32(o), n)
                    case .batch(let o, let h):
                        try addBatch(h, at: o, image: image, segmentIndex: index, name: name, dictionary: segmentDictionary.0)
                    }
                    offset = next
                case .failure(let problem):
                    guard isLast && (!RecordScanner.hasValidBatch(in: image, after: offset)
                                     || Recovery.isTornDictionaryWrite(image: image, at: offset)),
                          let why = Recovery.tornReason(problem, image: image, at: offset) else {
                        throw LogError.corruptBatch(segment: name, offset: UInt64(offset), position: nextPosition,
                                                    reason: Recovery.damageReason(problem, image: image, at: offset))
                    }
                    var finding = RecoveryReport.TailFinding(
                        segment: name, offset: UInt64(offset), length: UInt64(length - offset),
                        lastKeptPosition: nextPosition - 1, claimedPositions: Recovery.claimedPositions(image, at: offset),
                        reason: why, wasCut: false, quarantinePath: nil)
                    if !readOnly {
                        finding.quarantinePath = try Recovery.cutTail(fd: fd, path: path, image: image, at: offset, directory: directory)
                        finding.wasCut = true
                    }
                    findings.append(finding)
                    length = offset
                }
            }
            // Every record was read through the mapping: the pages stay in the page cache, but
            // left mapped they would count as this process's memory (the whole log).
            segment.dropResidentPages()
            segments.append(segment)
            lengths.append(length)
            dictionaryOffset = segmentDictionary.0
            dictionaryLength = segmentDictionary.1
            return true
        }

        /// Checks one batch against what came before it and adds its batch and block references.
        private mutating func addBatch(_ h: BatchHeader, at o: Int, image: UnsafeRawBufferPointer, segmentIndex i: Int,
                                       name: String, dictionary: UInt32) throws {
            func corrupt(_ reason: String) -> LogError {
                .corruptBatch(segment: name, offset: UInt64(o), position: nextPosition, reason: reason)
            }
            guard h.firstPosition == nextPosition else { throw corrupt("batch starts at position \(h.firstPosition)") }
            guard h.firstRecordedAt >= lastRecordedAt || lastRecordedAt == .min, h.lastRecordedAt >= h.firstRecordedAt else {
                throw corrupt("recorded-at goes backwards")
            }
            if h.dictionaryOffset != 0 && h.dictionaryOffset != dictionary {
                throw corrupt("refers to a dictionary that is not in force")
            }
            guard let (entries, firstBlock) = RecordScanner.blockTable(in: image, batchOffset: o, header: h) else {
                throw corrupt("block table does not parse or does not match the lengths in the header")
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
            guard sum == UInt64(h.eventCount), dataOffset == o + h.recordLength, entries.allSatisfy({ $0.eventCount > 0 }) else {
                throw corrupt("block table does not match the batch")
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

        /// A last segment file whose header never became durable: writable, it is moved to a
        /// quarantine file (removed when empty); read-only, it is only reported.
        private mutating func setAsideTornRoll(name: String, path: String, length: Int, reason: String) throws {
            var finding = RecoveryReport.TailFinding(
                segment: name, offset: 0, length: UInt64(length), lastKeptPosition: nextPosition - 1,
                claimedPositions: nil, reason: reason, wasCut: false, quarantinePath: nil)
            if !readOnly {
                finding.quarantinePath = try Recovery.setAside(segmentPath: path, length: length, directory: directory)
                finding.wasCut = true
            }
            findings.append(finding)
        }
    }
}
