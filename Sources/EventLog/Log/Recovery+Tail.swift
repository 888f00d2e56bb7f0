import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of the last segment: telling a torn write (a commit that never became durable, so
/// was never acknowledged) from a damaged commit, and keeping what is cut.
///
/// The rule (FORMAT.md, "Recovery rules"): after the last valid record of the last segment, with
/// no valid batch after it, bytes are a torn write when the record there is incomplete (it runs
/// past the end of the file), when no record header starts or parses there, or when the record
/// is complete but holds the mark of a write that did not reach the disk: it ends in zero bytes,
/// or one of its 512-byte sectors is all zeros. A complete record that fails its checksum
/// without that mark was written whole and damaged since: the open refuses.
extension Recovery {
    static let sectorSize = 512

    /// Why the bad record at `offset` is a torn write; nil when it is a damaged commit.
    static func tornReason(_ problem: RecordScanner.Problem, image: UnsafeRawBufferPointer, at offset: Int) -> String? {
        switch problem {
        case .incomplete:
            return "the record is incomplete: its write did not finish"
        case .badMagic:
            if image[offset...].allSatisfy({ $0 == 0 }) {
                return "zeros where the next record would start: the file grew but the data did not reach the disk"
            }
            return "no record starts there: debris of a write that did not finish"
        case .malformed(let why):
            return "the record header does not parse (\(why)): debris of a write that did not finish"
        case .badChecksum:
            let end = min(image.count, offset + recordLength(image, at: offset))
            if end > offset && image[end - 1] == 0 {
                var start = end - 1
                while start > offset && image[start - 1] == 0 { start -= 1 }
                return "the record fails its checksum and its last \(end - start) bytes are zeros: the end of its write did not reach the disk"
            }
            var sector = offset / sectorSize * sectorSize
            while sector < end {
                let low = max(sector, offset), high = min(sector + sectorSize, end)
                if high - low >= 8 && image[low..<high].allSatisfy({ $0 == 0 }) {
                    return "the record fails its checksum and its bytes \(low)..<\(high) (one disk sector) are zeros: that part of its write did not reach the disk"
                }
                sector += sectorSize
            }
            return nil
        }
    }

    /// True when the bad record at `offset` is a dictionary record torn in the write that also
    /// carried the batches after it: the writer writes a dictionary record and the batch that
    /// first uses it with one `pwrite`, and a power cut may leave that write's later sectors on
    /// disk without an earlier one. Then every valid batch after `offset` is compressed with
    /// the dictionary at `offset` (so unreadable without it, and never durable: a completed
    /// `fdatasync` of any of them would have made the dictionary durable too), and the bytes
    /// before the first of them bear the mark of a write that did not reach the disk (a disk
    /// sector of zeros). A flipped byte leaves no such mark: that stays damage.
    static func isTornDictionaryWrite(image: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        var first: Int?
        var allUseIt = true
        RecordScanner.forEachValidBatch(in: image, after: offset) { o, header in
            if first == nil { first = o }
            allUseIt = allUseIt && Int(header.dictionaryOffset) == offset
            return allUseIt
        }
        guard let end = first, allUseIt else { return false }
        var sector = offset / sectorSize * sectorSize
        while sector < end {
            let low = max(sector, offset), high = min(sector + sectorSize, end)
            if high - low >= 8 && image[low..<high].allSatisfy({ $0 == 0 }) { return true }
            sector += sectorSize
        }
        return false
    }

    /// The reason given when a bad record is damage, not a torn write.
    static func damageReason(_ problem: RecordScanner.Problem, image: UnsafeRawBufferPointer, at offset: Int) -> String {
        guard case .badChecksum = problem else { return problem.description }
        let claimed = claimedPositions(image, at: offset).map { " (positions \($0.lowerBound)-\($0.upperBound))" } ?? ""
        return "the commit\(claimed) is complete but fails its checksum: it was written whole and damaged since, "
            + "not torn by a crash, so nothing was cut"
    }

    /// The positions a batch header at `offset` claims, when its fields are readable.
    static func claimedPositions(_ image: UnsafeRawBufferPointer, at offset: Int) -> ClosedRange<UInt64>? {
        guard offset + BatchHeader.size <= image.count,
              let h = try? BatchHeader.decode(UnsafeRawBufferPointer(rebasing: image[offset...])),
              h.eventCount > 0, h.firstPosition > 0 else { return nil }
        let (last, overflow) = h.firstPosition.addingReportingOverflow(UInt64(h.eventCount) - 1)
        return overflow ? nil : h.firstPosition...last
    }

    /// The length a record at `offset` declares (0 when unknown).
    private static func recordLength(_ image: UnsafeRawBufferPointer, at offset: Int) -> Int {
        guard offset + 4 <= image.count else { return 0 }
        switch image.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian {
        case RecordMagic.batch:
            guard let h = try? BatchHeader.decode(UnsafeRawBufferPointer(rebasing: image[offset...])) else { return 0 }
            return h.recordLength
        case RecordMagic.dictionary:
            guard offset + 8 <= image.count else { return 0 }
            return DictionaryRecord.headerSize + Int(image.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
        default:
            return 0
        }
    }

    /// Copies the bytes from `offset` to the end of the segment into a new quarantine file
    /// beside it (durably), then truncates the segment there (durably). Returns the file's path.
    static func cutTail(fd: Int32, path: String, image: UnsafeRawBufferPointer, at offset: Int,
                        directory: String) throws(LogError) -> String {
        let target = quarantinePath(for: path, offset: offset)
        try FileIO.writeFileAtomically(target, directory: directory, bytes: Array(image[offset...]))
        try FileIO.truncate(fd, to: offset, path: path)
        try FileIO.fdatasync(fd, path: path)
        return target
    }

    /// Moves a torn segment file aside as a quarantine file (an empty one is removed). Returns
    /// the quarantine file's path, nil when there were no bytes to keep.
    static func setAside(segmentPath path: String, length: Int, directory: String) throws(LogError) -> String? {
        guard length > 0 else {
            guard unlink(path) == 0 else { throw .io(operation: "unlink", path: path, errno: errno) }
            try FileIO.fsyncDirectory(directory)
            return nil
        }
        let target = quarantinePath(for: path, offset: 0)
        guard rename(path, target) == 0 else { throw .io(operation: "rename", path: path, errno: errno) }
        try FileIO.fsyncDirectory(directory)
        return target
    }

    /// `SEGMENT.quarantine-OFFSET`, with `-2`, `-3`, ... when such a file exists already.
    static func quarantinePath(for segmentPath: String, offset: Int) -> String {
        let base = segmentPath + ".quarantine-\(offset)"
        var candidate = base
        var n = 2
        while FileIO.exists(candidate) {
            candidate = base + "-\(n)"
            n += 1
        }
        return candidate
    }

    /// False when the bytes a read-only open found torn now hold a whole, valid record (or a
    /// valid segment header): a writer was still writing that commit (or rolling to that segment)
    /// when the open looked.
    static func stillTorn(_ finding: RecoveryReport.TailFinding, directory: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: directory + "/" + finding.segment) else { return true }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: finding.offset)) != nil,
              let data = try? handle.read(upToCount: 64 << 20), !data.isEmpty else { return true }
        return [UInt8](data).withUnsafeBytes { raw in
            if finding.offset == 0 { return (try? SegmentHeader.decode(raw)) == nil }
            if case .success = RecordScanner.record(in: raw, at: 0) { return false }
            return true
        }
    }

    /// The quarantine files beside the segments (full paths, sorted).
    static func quarantineFiles(in directory: String) -> [String] {
        FileIO.listDirectory(directory).filter { $0.contains(".seg.quarantine-") && !$0.hasSuffix(".tmp") }
            .sorted().map { directory + "/" + $0 }
    }
}
