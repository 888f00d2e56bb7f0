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
        #if canImport(Glibc)
        _ = madvise(UnsafeMutableRawPointer(mutating: base), capacity, Int32(MADV_DONTNEED))
        #endif
    }

    /// Drops the resident pages wholly below byte `offset` (a scan that has read past them).
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
