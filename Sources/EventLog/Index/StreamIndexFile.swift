import CCRC32C
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The persisted stream index (`index/streams.idx`): stream → positions of its events, for the
/// log prefix the file names (position and chain hash). Mapped into memory, so opening a log of
/// a million events costs milliseconds instead of a rebuild. Derived data: rebuilt from the
/// segments when missing, stale, damaged or of another version.
///
/// Layout (version 4, little-endian), sized for ~2 events per stream, where the keys dominate:
/// entries are grouped into 2^bucketBits buckets by the top bits of their key's hash, at most 32
/// entries each on average (`bucketBits(forStreams:)`), so an entry stores only the hash bits
/// its bucket does not imply; within a bucket they are sorted by their stream's first position,
/// which a record stores as the difference from the entry before it in the bucket (version 3
/// sorted by key and stored the whole position: a varint a byte longer for most streams past
/// 2^21 events, ~0.3 bytes per event at 10M; with the ~17 entries of a bucket between them,
/// the differences stay as short at 10M as at 1M).
///
///     header (128)   magic, version, CRCs, covered position and hash, counts, section offsets
///     buckets        2^bucketBits + 1 × (u32 index of the bucket's first entry, u32 offset of
///                    that entry's record in the records section); the last is a sentinel
///     keys           per entry: the low 64 - bucketBits bits of the hash in
///                    ceil((64 - bucketBits) / 8) bytes, then the check (u32)
///     records        per entry, in entry order: varint count (≥ 1), varint first position
///                    minus the previous entry's in the bucket (0 before the bucket's first),
///                    count - 1 varint deltas to the next position
///
/// A lookup reads the bucket, scans its few keys, then walks the records before the entry's.
/// See `IndexHashing` for why stream names are not stored. Every value read from the file is
/// bounds-checked: a damaged file yields misses or a refused open, never a crash.
final class StreamIndexFile: @unchecked Sendable {
    static let magic: [UInt8] = Array("FABSIDX4".utf8)
    static let version: UInt32 = 4
    static let headerSize = 128
    static let bucketEntrySize = 8

    let coveredPosition: UInt64
    let coveredHash: ChainHash
    let streamCount: UInt64
    /// The mapping and its layout, for lookups: a plain value that a hot path can hold and
    /// read without reference counting (valid while this file is alive).
    let table: Table

    /// The mapped file and where its sections start. Every read of a lookup goes through it.
    struct Table: @unchecked Sendable {
        let base: UnsafeRawPointer
        let length: Int
        let bucketBits: Int
        /// Bytes of an entry's stored hash bits.
        let hashBytes: Int
        let buckets: Int
        let keys: Int
        let records: Int
    }

    var base: UnsafeRawPointer { table.base }
    var length: Int { table.length }
    var bucketBits: Int { table.bucketBits }
    var hashBytes: Int { table.hashBytes }
    var buckets: Int { table.buckets }
    var keys: Int { table.keys }
    var records: Int { table.records }

    private init(base: UnsafeRawPointer, length: Int, resident: Bool) throws(LogError) {
        let raw = UnsafeRawBufferPointer(start: base, count: length)
        func u64(_ o: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian }
        func u32(_ o: Int) -> UInt32 { raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian }
        guard length >= Self.headerSize, raw.prefix(8).elementsEqual(Self.magic), u32(8) == Self.version else {
            throw .corruptIndex(reason: "not an index file of this version")
        }
        guard u32(112) == fabriek_crc32c(0, base, 112) else {
            throw .corruptIndex(reason: "header checksum mismatch")
        }
        guard u64(96) == UInt64(length) else { throw .corruptIndex(reason: "file length mismatch") }
        guard FileIO.checksum(base, from: Self.headerSize, count: length - Self.headerSize, dropping: !resident) == u32(12) else {
            throw .corruptIndex(reason: "body checksum mismatch")
        }
        coveredPosition = u64(16)
        coveredHash = ChainHash(unchecked: Array(raw[24..<56]))
        streamCount = u64(56)
        let bits = u32(64)
        guard bits <= 32, streamCount <= UInt64(UInt32.max) else { throw .corruptIndex(reason: "bad table size") }
        let bucketBits = Int(bits)
        let hashBytes = (64 - bucketBits + 7) / 8
        let buckets = Self.headerSize
        let keys = buckets + ((1 << bucketBits) + 1) * Self.bucketEntrySize
        let records = keys + Int(streamCount) * (hashBytes + 4)
        table = Table(base: base, length: length, bucketBits: bucketBits, hashBytes: hashBytes,
                      buckets: buckets, keys: keys, records: records)
        guard u64(72) == UInt64(buckets), u64(80) == UInt64(keys), u64(88) == UInt64(records), records <= length else {
            throw .corruptIndex(reason: "sections exceed the file")
        }
        // The bucket table must run forward from the first entry to the sentinel: lookups then
        // need no further checks on it.
        var previous = (index: UInt32(0), offset: UInt32(0))
        for b in 0...(1 << bucketBits) {
            let o = buckets + b * Self.bucketEntrySize
            let entry = (index: u32(o), offset: u32(o + 4))
            guard entry.index >= previous.index, entry.offset >= previous.offset,
                  b > 0 || (entry.index == 0 && entry.offset == 0) else { throw .corruptIndex(reason: "bucket table out of order") }
            previous = entry
        }
        guard UInt64(previous.index) == streamCount, Int(previous.offset) == length - records else {
            throw .corruptIndex(reason: "bucket table does not end at the last entry")
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Drops this process's resident pages of the mapping (`MADV_DONTNEED`: a private
    /// read-only file mapping reads them again from the page cache when next touched).
    func dropResidentPages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, Int32(MADV_DONTNEED))
    }

    /// Maps the index file; nil when it does not exist.
    /// Unless `resident`, the pages are neither read ahead nor kept: the checksum is computed
    /// piece by piece, each piece's pages dropped after (a checkpoint's new file of a staging
    /// log, ~140 MB at 10M events, was entirely resident until adopted).
    static func open(path: String, resident: Bool = true) throws(LogError) -> StreamIndexFile? {
        guard FileIO.exists(path) else { return nil }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let size = try FileIO.size(fd, path: path)
        guard size >= headerSize else { throw .corruptIndex(reason: "file too short") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | (resident ? MAP_POPULATE : 0), fd, 0), p != MAP_FAILED else {
            throw .io(operation: "mmap", path: path, errno: errno)
        }
        do {
            return try StreamIndexFile(base: UnsafeRawPointer(p), length: size, resident: resident)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    /// A stream's entry: its event count at `coveredPosition`, its first position, and where
    /// the deltas to its later positions start.
    struct StreamRecord {
        var count: UInt64
        var first: UInt64
        var deltasOffset: Int
    }

    @inline(__always) func u32(_ offset: Int) -> UInt32 { table.u32(offset) }
    @inline(__always) func storedKey(_ k: Int) -> (bits: UInt64, check: UInt32) { table.storedKey(k) }
    func record(of key: IndexHashing.Key) -> StreamRecord? { table.record(of: key) }
    func positions(_ record: StreamRecord, from: UInt64 = 1, through: UInt64 = .max) -> [UInt64] {
        table.positions(record, from: from, through: through)
    }

    /// The bucket bits of a file of `streams` entries: of the tables whose buckets hold 32
    /// entries or fewer on average, the one that makes the smallest file. The bucket table
    /// costs 8 bytes a bucket, and each bucket bit saves a key one bit, which counts only when
    /// it saves a whole byte: so the table is sized to the entries and to the key bytes, not to
    /// the next power of two above a fixed load. Choosing by load alone gave the 10M-event
    /// workload a table of 2^20 buckets (~4 entries each, 0.84 bytes per event) against
    /// 2^16 at 1M (~7 each, 0.52 bytes per event) with keys of the same 6 bytes.
    static func bucketBits(forStreams streams: UInt64) -> Int {
        var first = 0
        while first < 32 && streams >> UInt64(first) > 32 { first += 1 }
        var best = first
        var bestSize = UInt64.max
        for bits in first...min(32, first + 8) {
            let size = ((UInt64(1) << UInt64(bits)) + 1) * UInt64(bucketEntrySize)
                + streams * UInt64((64 - bits + 7) / 8 + 4)
            if size < bestSize {
                best = bits
                bestSize = size
            }
        }
        return best
    }
}

extension StreamIndexFile.Table {
    typealias StreamRecord = StreamIndexFile.StreamRecord

    @inline(__always) func u32(_ offset: Int) -> UInt32 {
        base.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
    }

    /// The low `64 - bucketBits` bits of entry `k`'s hash, and its check.
    @inline(__always) func storedKey(_ k: Int) -> (bits: UInt64, check: UInt32) {
        // One 8-byte load: a key takes hashBytes + 4 ≥ 8 bytes (hashBytes ≥ 4), so it stays in
        // the file.
        let o = keys + k * (hashBytes + 4)
        let word = base.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian
        let bits = hashBytes >= 8 ? word : word & ((1 << UInt64(8 * hashBytes)) - 1)
        return (bits, u32(o + hashBytes))
    }

    @inline(__always) fileprivate func bucket(of hash: UInt64) -> Int { Int(hash >> (64 - UInt64(bucketBits))) }

    @inline(__always) fileprivate func lowBits(of hash: UInt64) -> UInt64 {
        bucketBits == 0 ? hash : hash & ((1 << (64 - UInt64(bucketBits))) - 1)
    }

    /// Reads a record up to its deltas: its count, checked against the bytes left (at least 1,
    /// and every position takes at least one byte, so a damaged count cannot make a reader
    /// allocate or loop beyond the file), and its first position, `previousFirst` plus the
    /// stored difference.
    func readHead(_ reader: inout ByteReader, previousFirst: UInt64) -> StreamRecord? {
        guard let count = try? reader.readVarint(), count >= 1, count <= UInt64(reader.remaining),
              let difference = try? reader.readVarint() else { return nil }
        return StreamRecord(count: count, first: previousFirst &+ difference, deltasOffset: reader.offset)
    }

    /// Moves `reader` past one record; returns its first position.
    fileprivate func skipRecord(_ reader: inout ByteReader, previousFirst: UInt64) -> UInt64? {
        guard let head = readHead(&reader, previousFirst: previousFirst) else { return nil }
        for _ in 1..<head.count {
            guard (try? reader.readVarint()) != nil else { return nil }
        }
        return head.first
    }

    /// Starts loading `key`'s bucket-table entry (a lookup's first read), without waiting.
    @inline(__always) func prefetchBucket(of key: IndexHashing.Key) {
        fabriek_prefetch(base + buckets + bucket(of: key.hash) * StreamIndexFile.bucketEntrySize)
    }

    /// Starts loading what a lookup of `key` reads after its bucket-table entry (loaded by
    /// `prefetchBucket` an append earlier, ideally): the bucket's keys (~17 at 10M events, a few
    /// cache lines) and the start of its records. Offsets come from the bucket table, checked at
    /// open to run forward within the file; a prefetch never faults anyway.
    @inline(__always) func prefetchEntries(of key: IndexHashing.Key) {
        let entryTable = buckets + bucket(of: key.hash) * StreamIndexFile.bucketEntrySize
        let first = Int(u32(entryTable)), end = Int(u32(entryTable + StreamIndexFile.bucketEntrySize))
        guard end > first else { return }
        let start = keys + first * (hashBytes + 4), stop = keys + end * (hashBytes + 4)
        var line = start
        // At most 8 lines: a bucket far above the average is rare, and its tail is read anyway.
        while line < stop && line < start + 8 * 64 {
            fabriek_prefetch(base + line)
            line += 64
        }
        fabriek_prefetch(base + min(stop, start + 8 * 64) - 1)
        fabriek_prefetch(base + records + Int(u32(entryTable + 4)))
    }

    func record(of key: IndexHashing.Key) -> StreamRecord? {
        let b = bucket(of: key.hash)
        let entryTable = buckets + b * StreamIndexFile.bucketEntrySize
        let first = Int(u32(entryTable)), end = Int(u32(entryTable + StreamIndexFile.bucketEntrySize))
        let bits = lowBits(of: key.hash)
        for k in first..<end {
            let stored = storedKey(k)
            guard stored.bits == bits && stored.check == key.check else { continue }
            var reader = ByteReader(UnsafeRawBufferPointer(start: base, count: length),
                                    offset: records + Int(u32(entryTable + 4)))
            var previousFirst: UInt64 = 0
            for _ in first..<k {
                guard let f = skipRecord(&reader, previousFirst: previousFirst) else { return nil }
                previousFirst = f
            }
            return readHead(&reader, previousFirst: previousFirst)
        }
        return nil
    }

    /// Decodes the positions of a record's versions `from...through` (1-based, clamped).
    func positions(_ record: StreamRecord, from: UInt64 = 1, through: UInt64 = .max) -> [UInt64] {
        let last = min(through, record.count)
        guard from >= 1, from <= last else { return [] }
        var out: [UInt64] = []
        out.reserveCapacity(Int(last - from + 1))
        var reader = ByteReader(UnsafeRawBufferPointer(start: base, count: length), offset: record.deltasOffset)
        var p = record.first
        if from == 1 { out.append(p) }
        if last >= 2 {
            for version in 2...last {
                guard let d = try? reader.readVarint() else { break }
                p &+= d
                if version >= from { out.append(p) }
            }
        }
        return out
    }
}
