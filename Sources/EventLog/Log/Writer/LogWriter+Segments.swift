import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LogWriter {
    /// Remaps the active segment when a commit would go beyond its mapping (a commit larger than
    /// the segment size). Readers holding the old mapping keep using it for the bytes they know.
    func ensureMapped(upTo end: Int, log: EventLog) throws(LogError) {
        let current = log.state.withLock { $0.segments[segmentIndex] }
        guard end > current.capacity else { return }
        let bigger = try MappedSegment(number: current.number, path: current.path, name: current.name,
                                       capacity: end + Self.mappingSlack)
        log.state.withLock { $0.segments[segmentIndex] = bigger }
    }

    /// Seals the current segment and starts the next one with a durable header.
    func roll(firstPosition: UInt64, previousHash: ChainHash, estimate: Int, log: EventLog) throws(LogError) {
        let number = segmentNumber + 1
        let name = MappedSegment.fileName(number)
        let directory = log.segmentsDirectory
        let path = directory + "/" + name
        let newFD = try FileIO.open(path, O_RDWR | O_CREAT | O_TRUNC)
        do throws(LogError) {
            let header = SegmentHeader(number: number, firstPosition: firstPosition, previousHash: previousHash).encoded()
            try FileIO.pwriteAll(newFD, header, offset: 0, path: path)
            try FileIO.fdatasync(newFD, path: path)
            try FileIO.fsyncDirectory(directory)
        } catch {
            close(newFD)
            unlink(path)
            throw error
        }
        let mapped: MappedSegment
        do throws(LogError) {
            mapped = try MappedSegment(number: number, path: path, name: name,
                                       capacity: max(options.segmentSize, SegmentHeader.size + estimate) + Self.mappingSlack)
        } catch {
            close(newFD)
            throw error
        }
        close(fd)
        fd = newFD
        segmentNumber = number
        segmentPath = path
        writeOffset = SegmentHeader.size
        batchesInSegment = 0
        dictionary = []
        dictionaryOffset = 0
        compressor.clearDictionary()
        segmentIndex = log.state.withLock { s in
            s.segments.append(mapped)
            s.segmentLengths.append(SegmentHeader.size)
            return s.segments.count - 1
        }
    }
}
