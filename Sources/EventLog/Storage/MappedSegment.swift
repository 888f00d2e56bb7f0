#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A segment file mapped read-only into memory. The mapping reserves `capacity` bytes so the
/// active segment can grow by appends without remapping; only bytes below the committed length
/// (tracked by the log) are ever read.
///
/// Immutable after init and unmapped on deinit; readers hold a reference while they read.
final class MappedSegment: @unchecked Sendable {
    let number: UInt32
    let path: String
    let name: String
    let base: UnsafeRawPointer
    let capacity: Int

    init(number: UInt32, path: String, name: String, capacity: Int) throws(LogError) {
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = max(pageSize, (capacity + pageSize - 1) / pageSize * pageSize)
        guard let p = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw .io(operation: "mmap", path: path, errno: errno)
        }
        self.number = number
        self.path = path
        self.name = name
        self.base = UnsafeRawPointer(p)
        self.capacity = length
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), capacity)
    }

    /// Drops the mapping's resident pages (`MADV_DONTNEED`; a shared read-only file mapping
    /// loses no data: the next read maps the page cache's page again). The mapping stays valid:
    /// the segment is held by the caller for the call.
    func dropResidentPages() {
        dropResidentPages(below: capacity)
    }

    /// Drops the resident pages wholly below byte `offset` (a read that has passed them).
    func dropResidentPages(below offset: Int) {
        #if canImport(Glibc)
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = min(offset, capacity) / pageSize * pageSize
        if length > 0 { _ = madvise(UnsafeMutableRawPointer(mutating: base), length, Int32(MADV_DONTNEED)) }
        #endif
    }

    func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    static func fileName(_ number: UInt32) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".seg"
    }
}

/// Drops the pages a forward read of the log has passed, so that reading a whole log leaves
/// little of it resident in this process (the pages stay in the page cache): each segment once
/// the read is past it, and within a segment every `step` bytes.
struct ReadBehind {
    static let step = 16 << 20
    private var segment: Int
    private var droppedBelow = 0

    init(startingAt segment: Int) {
        self.segment = segment
    }

    /// The read has reached byte `offset` of segment `index` of `segments`.
    mutating func reached(_ offset: Int, ofSegment index: Int, in segments: [MappedSegment]) {
        while segment < index {
            segments[segment].dropResidentPages()
            segment += 1
            droppedBelow = 0
        }
        if offset - droppedBelow >= Self.step {
            segments[segment].dropResidentPages(below: offset)
            droppedBelow = offset
        }
    }

    /// The read ended in segment `index`: drops it and those before it not dropped yet.
    mutating func finish(atSegment index: Int, in segments: [MappedSegment]) {
        while segment <= index {
            segments[segment].dropResidentPages()
            segment += 1
        }
        droppedBelow = 0
    }
}
