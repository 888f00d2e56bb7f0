import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an `InvariantAuditor` keeps the aggregate states and directory entries it evicted
/// from memory (`SpillingTable`): records appended to a scratch file, found through an index in
/// memory.
///
/// - The file is a log of records `[length: 4 bytes][key length: 2 bytes][key][value]`, each
///   starting at a multiple of 8 bytes, appended through a 4 MiB buffer with `pwrite` and read
///   back with `pread`: the kernel's page cache holds it, not the process. A key stored again is
///   appended again; its older records are garbage until the auditor goes (the file is deleted
///   then).
/// - The index: 16 open-addressing tables (linear probing, each at most 4/5 full and grown by
///   7/5, a sixteenth of the index at a time) of 8 bytes a slot: 28 bits of the
///   key's 32-bit hash (the other 4 chose the table; the 32 bits place it within) and the
///   record's offset in units of 8 bytes (36 bits: 512 GiB); a read takes the record's length
///   from its first bytes. Every read compares the record's key, so two keys with the same 32
///   bits are told apart. An entry found before (`Slot`) is updated in place without a search.
///
/// Memory: 8 bytes a slot (~10-14 bytes an entry) and the buffer, whatever the size of the
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

    /// One of the index's tables: slots of `empty`, `deleted`, or an entry's 28 bits of hash
    /// (above bit 36, never 0 or 1) and its record's offset / 8.
    private struct Table {
        var slots: UnsafeMutablePointer<UInt64>
        var capacity: Int
        /// The table's number: the hash's top 4 bits.
        let number: UInt32
        /// Slots in use (entries and deleted ones).
        var used = 0
        /// Bumped when the table is rebuilt: earlier `Slot`s in it are stale then.
        var generation = 0

        init(number: Int, capacity: Int) {
            self.number = UInt32(number)
            self.capacity = capacity
            slots = .allocate(capacity: capacity)
            slots.initialize(repeating: AuditSpill.empty, count: capacity)
        }

        func home(_ tag: UInt32) -> Int {
            // The tag's high bits chose the table; the rest, mixed, scaled to the capacity (any
            // number of slots), places it within.
            Int(truncatingIfNeeded: (UInt64(tag) &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: UInt64(capacity)).high)
        }

        /// The slot's 28 bits of hash (0 for `empty` and `deleted`).
        static func stored(_ slot: UInt64) -> UInt64 { slot >> 36 }

        /// The full 32-bit tag of an entry's slot in this table.
        func tag(of slot: UInt64) -> UInt32 { number << 28 | UInt32(truncatingIfNeeded: slot >> 36) }

        /// A free slot for `tag` (the first empty or deleted one from its home).
        mutating func place(_ tag: UInt32, _ location: UInt64) -> Int {
            var i = home(tag)
            while slots[i] > AuditSpill.deleted {
                i += 1
                if i == capacity { i = 0 }
            }
            if slots[i] == AuditSpill.empty { used += 1 }
            slots[i] = AuditSpill.slot(tag, location)
            return i
        }

        /// Rebuilds the table with 7/5 of its slots (dropping deleted ones).
        mutating func grow() {
            let old = self
            self = Table(number: Int(old.number), capacity: old.capacity * 7 / 5)
            generation = old.generation + 1
            for k in 0..<old.capacity where old.slots[k] > AuditSpill.deleted {
                _ = place(old.tag(of: old.slots[k]), AuditSpill.location(old.slots[k]))
            }
            old.free()
        }

        func free() {
            slots.deallocate()
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
    /// Bytes a read asks for first: most records fit (a tender's state with its bids often
    /// passes 512 bytes: with 512, the import's first 3M lines took ~10-20% longer), a longer
    /// one takes a second read.
    static let readAhead = 2048
    /// Bytes before a record's key: its length (4) and its key's length (2).
    static let header = 6
    /// Keys are a table byte and a stream name of at most 1,024 bytes (or shorter ids).
    static let maxKeyLength = 2048
    fileprivate static let empty: UInt64 = 0, deleted: UInt64 = 1

    /// The slot of an entry: the tag's low 28 bits and the record's offset / 8.
    fileprivate static func slot(_ tag: UInt32, _ offset: UInt64) -> UInt64 {
        UInt64(tag & 0x0FFF_FFFF) << 36 | offset >> 3
    }

    /// The file offset of an entry's record.
    fileprivate static func location(_ slot: UInt64) -> UInt64 { (slot & 0xF_FFFF_FFFF) << 3 }

    /// Creates `path` (it must not exist), deleted when the spill goes.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditSpillError(description: "cannot create the auditor's scratch file \(path): \(String(cString: strerror(errno)))")
        }
        tables = (0..<16).map { Table(number: $0, capacity: 256) }
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 16)
    }

    deinit {
        close(fd)
        unlink(path)
        for t in tables { t.free() }
        buffer.deallocate()
    }

    /// Bytes of the index in memory (its slots).
    var indexBytes: Int { tables.reduce(0) { $0 + $1.capacity * MemoryLayout<UInt64>.stride } }

    /// Bytes appended to the file (garbage included).
    var fileBytes: UInt64 { bufferStart + UInt64(buffered) }

    private func fail(_ operation: String) {
        guard failure == nil else { return }
        failure = "the auditor's scratch file \(path) failed (\(operation): \(String(cString: strerror(errno))))"
    }

    /// 32 bits of a well-mixed 64-bit hash of `key` (its low 28 bits never 0 or 1, so that a
    /// slot holding it is never `empty` or `deleted`).
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
        return t & 0x0FFF_FFFF < 2 ? t | 2 : t
    }

    private static func table(_ tag: UInt32) -> Int { Int(tag >> 28) }

    /// The record at file offset `offset` (its length, from its first bytes, to the end of its
    /// value) into `out`; false after a failure.
    private func read(_ offset: UInt64, into out: inout [UInt8]) -> Bool {
        if offset >= bufferStart {
            let p = UnsafeRawPointer(buffer + Int(offset - bufferStart))
            let length = Int(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
            out = Array(UnsafeRawBufferPointer(start: p, count: length))
            return true
        }
        // Most records fit in `readAhead` bytes: one read, then a second one for the rest.
        var n = 0
        out = [UInt8](unsafeUninitializedCapacity: Self.readAhead) { storage, initialized in
            n = pread(fd, storage.baseAddress, Self.readAhead, off_t(offset))
            initialized = max(n, 0)
        }
        guard n >= Self.header else {
            if n >= 0 { errno = EIO }
            fail("read")
            return false
        }
        let length = out.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
        guard length >= Self.header, length <= Self.maxRecordLength else {
            errno = EIO
            fail("read of a damaged record")
            return false
        }
        if length <= n {
            out.removeLast(n - length)
            return true
        }
        let have = n
        var m = 0
        out += [UInt8](unsafeUninitializedCapacity: length - have) { storage, initialized in
            m = pread(fd, storage.baseAddress, length - have, off_t(offset) + off_t(have))
            initialized = m == length - have ? m : 0
        }
        guard m == length - have else {
            if m >= 0 { errno = EIO }
            fail("read")
            return false
        }
        return true
    }

    /// Whether the record `bytes` is stored under `key`.
    private static func holds(_ bytes: [UInt8], key: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= header + key.count, Int(bytes[4]) | Int(bytes[5]) << 8 == key.count else { return false }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + header, key.baseAddress!, key.count) == 0 }
    }

    /// The slot of `key` and its record (in `record`), or nil.
    private func find(_ key: [UInt8], record: inout [UInt8]) -> Slot? {
        key.withUnsafeBytes { key in
            let tag = Self.tag(key)
            let t = Self.table(tag)
            let table = tables[t]
            var i = table.home(tag)
            let stored = UInt64(tag & 0x0FFF_FFFF)
            while table.slots[i] != Self.empty {
                if Table.stored(table.slots[i]) == stored {
                    guard read(Self.location(table.slots[i]), into: &record) else { return nil }
                    if Self.holds(record, key: key) { return Slot(table: t, index: i, generation: table.generation) }
                }
                i += 1
                if i == table.capacity { i = 0 }
            }
            return nil
        }
    }

    /// The value stored under `key` and where its entry sits; nil when none (or after a failure).
    func load(_ key: [UInt8]) -> (value: [UInt8], slot: Slot)? {
        guard failure == nil else { return nil }
        var record: [UInt8] = []
        guard let slot = find(key, record: &record) else { return nil }
        return (Array(record[(Self.header + key.count)...]), slot)
    }

    /// Stores `value` under `key` (replacing what was there) and returns where its entry sits
    /// (nil after a failure). `slot` is where a load or an earlier store put it; `absent` says
    /// that the key was looked for (a load that found nothing) and not stored since, so no
    /// search is needed.
    @discardableResult
    func store(_ key: [UInt8], _ value: [UInt8], at slot: Slot?, absent: Bool = false) -> Slot? {
        guard failure == nil else { return nil }
        let length = Self.header + key.count + value.count
        guard key.count <= Self.maxKeyLength, length <= Self.maxRecordLength else {
            errno = EFBIG
            fail("a record of \(length) bytes")
            return nil
        }
        guard let location = append(key, value, length: length) else { return nil }
        if let slot, slot.generation == tables[slot.table].generation {
            let tag = tables[slot.table].tag(of: tables[slot.table].slots[slot.index])
            tables[slot.table].slots[slot.index] = Self.slot(tag, location)
            return slot
        }
        var record: [UInt8] = []
        if !absent, let found = find(key, record: &record) {
            let tag = tables[found.table].tag(of: tables[found.table].slots[found.index])
            tables[found.table].slots[found.index] = Self.slot(tag, location)
            return found
        }
        guard failure == nil else { return nil }
        let tag = key.withUnsafeBytes { Self.tag($0) }
        let t = Self.table(tag)
        if (tables[t].used + 1) * 5 > tables[t].capacity * 4 { tables[t].grow() }
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
        tables[at.table].slots[at.index] = Self.deleted
        count -= 1
    }

    /// Appends a record (at a multiple of 8 bytes); its file offset, nil after a failure.
    private func append(_ key: [UInt8], _ value: [UInt8], length: Int) -> UInt64? {
        let padded = (length + 7) & ~7
        if buffered + padded > Self.bufferSize {
            guard flush() else { return nil }
        }
        let offset = bufferStart + UInt64(buffered)
        guard offset < 1 << 39 else {
            errno = EFBIG
            fail("append past 512 GiB")
            return nil
        }
        func fill(_ p: UnsafeMutableRawPointer) {
            p.storeBytes(of: UInt32(length).littleEndian, as: UInt32.self)
            (p + 4).storeBytes(of: UInt16(key.count).littleEndian, as: UInt16.self)
            key.withUnsafeBytes { (p + Self.header).copyMemory(from: $0.baseAddress!, byteCount: key.count) }
            value.withUnsafeBytes { if let base = $0.baseAddress { (p + Self.header + key.count).copyMemory(from: base, byteCount: value.count) } }
        }
        if padded > Self.bufferSize {
            let record = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 8)
            defer { record.deallocate() }
            fill(record)
            guard write(record, count: length, at: offset) else { return nil }
            bufferStart += UInt64(padded)
        } else {
            fill(buffer + buffered)
            buffered += padded
        }
        return offset
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
