import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an `InvariantAuditor` keeps the aggregate states and directory entries it evicted
/// from memory (`SpillingTable`): records appended to a scratch file, found through an index in
/// memory.
///
/// - The file is a log of records `[key length: 2 bytes][key][value]`, appended through a 4 MiB
///   buffer with `pwrite` and read back with `pread`: the kernel's page cache holds it, not the
///   process. A key stored again is appended again; its older records are garbage until the
///   auditor goes (the file is deleted then).
/// - The index: 16 open-addressing tables (linear probing, each at most 3/4 full, so that
///   growing one doubles a sixteenth of the index at a time) of 12 bytes a slot: 32 bits of the
///   key's hash (which also place it) and the record's offset (40 bits) and length (24 bits).
///   Every read compares the record's key, so two keys with the same 32 bits are told apart. An
///   entry found before (`Slot`) is updated in place without a search.
///
/// Memory: 12 bytes a slot (~16-24 bytes an entry) and the buffer, whatever the size of the
/// values. A failure (a full disk, a read error) is kept in `failure` (the first only) and every
/// later operation does nothing: the auditor's answers are not reliable after it, so its user
/// checks `failure` and stops (`fabriek-admin import` refuses the file, naming it).
final class AuditSpill {
    /// Where an entry sits in the index, as a load or a store found it: valid until its table
    /// grows (`generation`).
    struct Slot {
        fileprivate var table: Int
        fileprivate var index: Int
        fileprivate var generation: Int
    }

    /// One of the index's tables.
    private struct Table {
        var tags: UnsafeMutablePointer<UInt32>
        var locations: UnsafeMutablePointer<UInt64>
        var capacity: Int
        var shift: Int
        /// Slots in use (entries and deleted ones).
        var used = 0
        /// Bumped when the table is rebuilt: earlier `Slot`s in it are stale then.
        var generation = 0

        init(capacity: Int) {
            self.capacity = capacity
            shift = 64 - capacity.trailingZeroBitCount
            tags = .allocate(capacity: capacity)
            tags.initialize(repeating: AuditSpill.empty, count: capacity)
            locations = .allocate(capacity: capacity)
            locations.initialize(repeating: 0, count: capacity)
        }

        func home(_ tag: UInt32) -> Int {
            // The tag's high bits chose the table; the rest, mixed, places it within.
            Int(truncatingIfNeeded: (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
        }

        /// A free slot for `tag` (the first empty or deleted one from its home).
        mutating func place(_ tag: UInt32, _ location: UInt64) -> Int {
            let mask = capacity - 1
            var i = home(tag)
            while tags[i] > AuditSpill.deleted { i = (i + 1) & mask }
            if tags[i] == AuditSpill.empty { used += 1 }
            tags[i] = tag
            locations[i] = location
            return i
        }

        /// Doubles the table (dropping deleted slots).
        mutating func grow() {
            let old = self
            self = Table(capacity: old.capacity * 2)
            generation = old.generation + 1
            for k in 0..<old.capacity where old.tags[k] > AuditSpill.deleted {
                _ = place(old.tags[k], old.locations[k])
            }
            old.free()
        }

        func free() {
            tags.deallocate()
            locations.deallocate()
        }
    }

    let path: String
    private let fd: Int32
    private var tables: [Table]
    /// The records not written yet, from file offset `bufferStart`.
    private let buffer: UnsafeMutableRawPointer
    private var buffered = 0
    private var bufferStart: UInt64 = 0
    /// The first failure, naming the file and the operation.
    private(set) var failure: String?
    /// Entries in the index.
    private(set) var count = 0

    static let bufferSize = 4 << 20
    static let maxRecordLength = (1 << 24) - 1
    /// Keys are a table byte and a stream name of at most 1,024 bytes (or shorter ids).
    static let maxKeyLength = 2048
    fileprivate static let empty: UInt32 = 0, deleted: UInt32 = 1

    /// Creates `path` (it must not exist), deleted when the spill goes.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditSpillError(description: "cannot create the auditor's scratch file \(path): \(String(cString: strerror(errno)))")
        }
        tables = (0..<16).map { _ in Table(capacity: 256) }
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
    }

    deinit {
        close(fd)
        unlink(path)
        for t in tables { t.free() }
        buffer.deallocate()
    }

    /// Bytes appended to the file (garbage included).
    var fileBytes: UInt64 { bufferStart + UInt64(buffered) }

    private func fail(_ operation: String) {
        guard failure == nil else { return }
        failure = "the auditor's scratch file \(path) failed (\(operation): \(String(cString: strerror(errno))))"
    }

    /// 32 bits of a well-mixed 64-bit hash of `key` (never `empty` or `deleted`).
    private static func tag(_ key: UnsafeRawBufferPointer) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var last: UInt64 = 0
        var s: UInt64 = 0
        while i < key.count {
            last |= UInt64(key[i]) << s
            s += 8
            i += 1
        }
        h = (h ^ last) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        let t = UInt32(truncatingIfNeeded: h)
        return t < 2 ? t + 2 : t
    }

    private static func table(_ tag: UInt32) -> Int { Int(tag >> 28) }

    /// The record at `location` (offset and length) into `out`; false after a failure.
    private func read(_ location: UInt64, into out: inout [UInt8]) -> Bool {
        let offset = location & 0xFF_FFFF_FFFF
        let length = Int(location >> 40)
        if offset >= bufferStart {
            out = Array(UnsafeRawBufferPointer(start: buffer + Int(offset - bufferStart), count: length))
            return true
        }
        var n = 0
        out = [UInt8](unsafeUninitializedCapacity: length) { storage, initialized in
            n = pread(fd, storage.baseAddress, length, off_t(offset))
            initialized = n == length ? length : 0
        }
        guard n == length else {
            if n >= 0 { errno = EIO }
            fail("read")
            return false
        }
        return true
    }

    /// Whether the record `bytes` is stored under `key`.
    private static func holds(_ bytes: [UInt8], key: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 2 + key.count, Int(bytes[0]) | Int(bytes[1]) << 8 == key.count else { return false }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + 2, key.baseAddress!, key.count) == 0 }
    }

    /// The slot of `key` and its record (in `record`), or nil.
    private func find(_ key: [UInt8], record: inout [UInt8]) -> Slot? {
        key.withUnsafeBytes { key in
            let tag = Self.tag(key)
            let t = Self.table(tag)
            let table = tables[t]
            let mask = table.capacity - 1
            var i = table.home(tag)
            while table.tags[i] != Self.empty {
                if table.tags[i] == tag {
                    guard read(table.locations[i], into: &record) else { return nil }
                    if Self.holds(record, key: key) { return Slot(table: t, index: i, generation: table.generation) }
                }
                i = (i + 1) & mask
            }
            return nil
        }
    }

    /// The value stored under `key` and where its entry sits; nil when none (or after a failure).
    func load(_ key: [UInt8]) -> (value: [UInt8], slot: Slot)? {
        guard failure == nil else { return nil }
        var record: [UInt8] = []
        guard let slot = find(key, record: &record) else { return nil }
        return (Array(record[(2 + key.count)...]), slot)
    }

    /// Stores `value` under `key` (replacing what was there) and returns where its entry sits
    /// (nil after a failure). `slot` is where a load or an earlier store put it; `absent` says
    /// that the key was looked for (a load that found nothing) and not stored since, so no
    /// search is needed.
    @discardableResult
    func store(_ key: [UInt8], _ value: [UInt8], at slot: Slot?, absent: Bool = false) -> Slot? {
        guard failure == nil else { return nil }
        let length = 2 + key.count + value.count
        guard key.count <= Self.maxKeyLength, length <= Self.maxRecordLength else {
            errno = EFBIG
            fail("a record of \(length) bytes")
            return nil
        }
        guard let location = append(key, value, length: length) else { return nil }
        if let slot, slot.generation == tables[slot.table].generation {
            tables[slot.table].locations[slot.index] = location
            return slot
        }
        var record: [UInt8] = []
        if !absent, let found = find(key, record: &record) {
            tables[found.table].locations[found.index] = location
            return found
        }
        guard failure == nil else { return nil }
        let tag = key.withUnsafeBytes { Self.tag($0) }
        let t = Self.table(tag)
        if (tables[t].used + 1) * 4 > tables[t].capacity * 3 { tables[t].grow() }
        let i = tables[t].place(tag, location)
        count += 1
        return Slot(table: t, index: i, generation: tables[t].generation)
    }

    /// Removes the entry of `key`, at `slot` when known.
    func remove(_ key: [UInt8], at slot: Slot?) {
        guard failure == nil else { return }
        var at = slot
        if at == nil || at!.generation != tables[at!.table].generation {
            var record: [UInt8] = []
            at = find(key, record: &record)
        }
        guard let at else { return }
        tables[at.table].tags[at.index] = Self.deleted
        count -= 1
    }

    /// Appends a record; its location (offset, length), nil after a failure.
    private func append(_ key: [UInt8], _ value: [UInt8], length: Int) -> UInt64? {
        if buffered + length > Self.bufferSize {
            guard flush() else { return nil }
        }
        let offset = bufferStart + UInt64(buffered)
        guard offset < 1 << 40 else {
            errno = EFBIG
            fail("append past 1 TiB")
            return nil
        }
        if length > Self.bufferSize {
            let record = [UInt8(truncatingIfNeeded: key.count), UInt8(truncatingIfNeeded: key.count >> 8)] + key + value
            guard record.withUnsafeBytes({ write($0.baseAddress!, count: length, at: offset) }) else { return nil }
            bufferStart += UInt64(length)
        } else {
            let p = buffer + buffered
            p.storeBytes(of: UInt16(key.count).littleEndian, as: UInt16.self)
            key.withUnsafeBytes { (p + 2).copyMemory(from: $0.baseAddress!, byteCount: key.count) }
            value.withUnsafeBytes { if let base = $0.baseAddress { (p + 2 + key.count).copyMemory(from: base, byteCount: value.count) } }
            buffered += length
        }
        return offset | UInt64(length) << 40
    }

    /// Writes the buffer to the file; false after a failure.
    private func flush() -> Bool {
        guard write(buffer, count: buffered, at: bufferStart) else { return false }
        bufferStart += UInt64(buffered)
        buffered = 0
        return true
    }

    /// Writes `count` bytes at file offset `offset`, all of them; false (and `failure` set)
    /// when the file takes no more (a full disk) or fails.
    private func write(_ bytes: UnsafeRawPointer, count: Int, at offset: UInt64) -> Bool {
        var written = 0
        while written < count {
            let n = pwrite(fd, bytes + written, count - written, off_t(offset) + off_t(written))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                if n == 0 { errno = ENOSPC }
                fail("write")
                return false
            }
            written += n
        }
        return true
    }
}

/// The auditor's scratch file could not be created.
public struct AuditSpillError: Error, CustomStringConvertible {
    public var description: String
}
