import CCRC32C
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The persisted event-id index (`index/ids.idx`): for every event of the log prefix up to a
/// covered position, a 28-bit fingerprint of its id and its position, so that a writer opening
/// a large log can tell a retry from new events without reading every id (see FORMAT.md,
/// "Event-id index"). Mapped into memory; 4 bytes per event for logs of 16 events or more.
///
/// Derived data, never trusted blindly: the writer uses it only when its checksums and
/// structure hold and its covered position and chain hash are a commit end of this log's chain;
/// a fingerprint hit is only a candidate, confirmed by comparing the ids stored in the segments
/// (a forged entry cannot make a new id look stored, nor point a retry at another event); and
/// the background check of a writable open looks up every event's id in it and has it rebuilt
/// from the segments when one is missing.
///
/// Layout (version 2, little-endian): a 128-byte header, a bucket table of `2^b + 1` u32 (the
/// index of each bucket's first entry, then a sentinel = entry count), then the entries, each an
/// unsigned integer of `entryBytes` bytes: `position >> g | check << positionBits`, where the
/// fingerprint's top `b` bits are its bucket and `check` its other `28 - b` bits. Entries are
/// sorted by (fingerprint, position). Up to 2^20 events `g` is 0 and an entry names its
/// position; past that an entry names a run of `2^g` positions (the *granule*), so that entries
/// stay 4 bytes and the bucket table stays at 2^16 buckets however long the log: a larger log
/// then costs no more bytes per event than a log of a million (a version-1 file spent a bucket
/// per 8 events: 0.42 bytes per event at 10M against 0.26 at 1M). A hit names the granule's
/// positions; the caller compares the ids stored there.
final class EventIDIndexFile: @unchecked Sendable {
    static let magic: [UInt8] = Array("FABIDIX2".utf8)
    static let version: UInt32 = 2
    static let headerSize = 128
    static let fingerprintBits = 28

    let coveredHash: ChainHash
    private let length: Int
    /// The mapping and its layout, for lookups: a plain value that a hot path can hold and
    /// read without reference counting (valid while this file is alive).
    let table: Table

    /// The mapped file's entries and how to read them. Every read of a lookup goes through it.
    struct Table: @unchecked Sendable {
        let coveredPosition: UInt64
        let base: UnsafeRawPointer
        let bucketBits: Int
        /// Bits of the stored position field (`position >> granuleBits`).
        let positionBits: Int
        /// An entry names the positions `(field << granuleBits) ..< ((field + 1) << granuleBits)`.
        let granuleBits: Int
        let entryBytes: Int
        let entries: Int
        let positionMask: UInt64
    }

    var coveredPosition: UInt64 { table.coveredPosition }
    private var base: UnsafeRawPointer { table.base }
    private var bucketBits: Int { table.bucketBits }
    private var positionBits: Int { table.positionBits }
    private var granuleBits: Int { table.granuleBits }
    private var entryBytes: Int { table.entryBytes }
    private var entries: Int { table.entries }
    private var positionMask: UInt64 { table.positionMask }

    /// The 28-bit fingerprint of an id (the top bits of the mix `EventIDIndex` uses).
    @inline(__always)
    static func fingerprint(_ id: UUID) -> UInt32 { EventIDIndex.fingerprint(id) >> 4 }

    /// Bits that hold positions up to `count`.
    static func positionBits(for count: UInt64) -> Int { max(1, 64 - count.leadingZeroBitCount) }

    /// Stored positions have at most this many bits; a longer log stores granules.
    static let maxStoredPositionBits = 20

    /// The granule bits of a file covering `count` positions: 0 up to 2^20 events.
    static func granuleBits(for count: UInt64) -> Int { max(0, positionBits(for: count) - maxStoredPositionBits) }

    /// Buckets for about 8 to 16 of `count` entries each. A writer passes `count >> granuleBits`:
    /// with granules, a bucket holds 8 to 16 × 2^granuleBits entries, and entries keep 4 bytes.
    static func bucketBits(for count: UInt64) -> Int {
        var bits = 0
        while bits < fingerprintBits && count / 8 >= UInt64(2) << bits { bits += 1 }
        return bits
    }

    static func entryBytes(bucketBits: Int, positionBits: Int) -> Int {
        (fingerprintBits - bucketBits + positionBits + 7) / 8
    }

    private init(base: UnsafeRawPointer, length: Int, resident: Bool) throws(LogError) {
        self.length = length
        let raw = UnsafeRawBufferPointer(start: base, count: length)
        func u64(_ o: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian }
        func u32(_ o: Int) -> UInt32 { raw.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian }
        func damaged(_ why: String) -> LogError { .corruptIndex(reason: "index/ids.idx: \(why)") }
        guard length >= Self.headerSize, raw.prefix(8).elementsEqual(Self.magic), u32(8) == Self.version else {
            throw damaged("not an event-id index file of this version")
        }
        guard u32(112) == fabriek_crc32c(0, base, 112) else { throw damaged("header checksum mismatch") }
        guard u64(88) == UInt64(length) else { throw damaged("file length mismatch") }
        guard FileIO.checksum(base, from: Self.headerSize, count: length - Self.headerSize, dropping: !resident) == u32(12) else {
            throw damaged("body checksum mismatch")
        }
        let coveredPosition = u64(16)
        coveredHash = ChainHash(unchecked: Array(raw[24..<56]))
        let bits = Int(u32(56)), pbits = Int(u32(60)), ebytes = Int(u32(64)), gbits = Int(u32(68))
        // The layout is the one a writer chooses for this covered position (merging an older
        // file relies on granules that only grow).
        guard bits <= Self.fingerprintBits, gbits == Self.granuleBits(for: coveredPosition),
              pbits == Self.positionBits(for: coveredPosition) - gbits,
              ebytes == Self.entryBytes(bucketBits: bits, positionBits: pbits), ebytes >= 4, ebytes <= 8 else {
            throw damaged("bad table layout")
        }
        let entries = Self.headerSize + ((1 << bits) + 1) * 4
        table = Table(coveredPosition: coveredPosition, base: base, bucketBits: bits, positionBits: pbits,
                      granuleBits: gbits, entryBytes: ebytes, entries: entries, positionMask: (1 << UInt64(pbits)) - 1)
        guard u64(72) == UInt64(Self.headerSize), u64(80) == UInt64(entries), entries <= length,
              UInt64(length - entries) == coveredPosition &* UInt64(ebytes), coveredPosition < UInt64(UInt32.max) else {
            throw damaged("sections do not match the entry count")
        }
        // The bucket table runs forward from 0 to the sentinel: lookups need no further checks.
        var previous: UInt32 = 0
        for b in 0...(1 << bits) {
            let first = u32(Self.headerSize + b * 4)
            guard first >= previous, b > 0 || first == 0 else { throw damaged("bucket table out of order") }
            previous = first
        }
        guard UInt64(previous) == coveredPosition else { throw damaged("bucket table does not end at the last entry") }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Drops this process's resident pages of the mapping (`MADV_DONTNEED`: a private
    /// read-only file mapping reads them again from the page cache when next touched).
    func dropResidentPages() {
        _ = madvise(UnsafeMutableRawPointer(mutating: base), length, Int32(MADV_DONTNEED))
    }

    /// The mapped file.
    var mapping: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// Maps the file; nil when it does not exist.
    /// - Throws: `LogError.corruptIndex` when it is damaged or of another version, `.io`.
    /// Unless `resident`, the pages are neither read ahead nor kept: the checksum is computed
    /// piece by piece, each piece's pages dropped after (a checkpoint's new file of a staging
    /// log, ~140 MB at 10M events, was entirely resident until adopted).
    static func open(path: String, resident: Bool = true) throws(LogError) -> EventIDIndexFile? {
        guard FileIO.exists(path) else { return nil }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let size = try FileIO.size(fd, path: path)
        guard size >= headerSize else { throw .corruptIndex(reason: "index/ids.idx: file too short") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | (resident ? MAP_POPULATE : 0), fd, 0), p != MAP_FAILED else {
            throw .io(operation: "mmap", path: path, errno: errno)
        }
        do {
            return try EventIDIndexFile(base: UnsafeRawPointer(p), length: size, resident: resident)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    /// The file at `path` when it is sound and its covered position and hash are a commit end
    /// of `state`'s chain; otherwise nil and why not (nil when there is no file).
    static func openMatching(path: String, state: LogState) -> (EventIDIndexFile?, problem: String?) {
        do {
            guard let f = try open(path: path) else { return (nil, nil) }
            if f.coveredPosition > state.head.position {
                return (nil, "it covers position \(f.coveredPosition), beyond the head \(state.head.position)")
            }
            if Recovery.hash(at: f.coveredPosition, state) != f.coveredHash {
                return (nil, "its chain hash at position \(f.coveredPosition) is not this log's")
            }
            return (f, nil)
        } catch {
            return (nil, "\(error)")
        }
    }

    @inline(__always) private func entry(_ k: Int) -> UInt64 { table.entry(k) }
    func firstPosition(fingerprint: UInt32, where body: (ClosedRange<UInt64>) throws -> UInt64?) rethrows -> UInt64? {
        try table.firstPosition(fingerprint: fingerprint, where: body)
    }

    /// Calls `body` with every entry's fingerprint and the first position it names (a granule's
    /// first, which may be 0), in file order.
    func forEachEntry(_ body: (UInt32, UInt64) -> Void) {
        let checkBits = UInt64(Self.fingerprintBits - bucketBits)
        var k = 0
        for b in 0..<(1 << bucketBits) {
            let end = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + b * 4 + 4, as: UInt32.self).littleEndian)
            while k < end {
                let v = entry(k)
                body(UInt32(truncatingIfNeeded: UInt64(b) << checkBits | v >> UInt64(positionBits)),
                     (v & positionMask) << UInt64(granuleBits))
                k += 1
            }
        }
    }


    /// Drops this process's resident pages of the mapping between the offsets `from` and `to`.
    fileprivate func dropResidentPages(from: inout Int, to: Int) {
        FileIO.dropResidentPages(base, from: &from, to: to)
    }

    /// The entries of old bucket `ob` as merge keys `fingerprint << 32 | position >> granuleBits`
    /// (of the file being written), appended to `out`.
    fileprivate func appendKeys(ofBucket ob: Int, granuleBits gbits: Int, to out: inout [UInt64]) {
        let checkBits = UInt64(Self.fingerprintBits - bucketBits)
        let first = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + ob * 4, as: UInt32.self).littleEndian)
        let end = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + ob * 4 + 4, as: UInt32.self).littleEndian)
        for k in first..<end {
            let v = entry(k)
            let fp = (UInt64(ob) << checkBits | v >> UInt64(positionBits)) & 0xFFF_FFFF
            out.append(fp << 32 | ((v & positionMask) << UInt64(granuleBits)) >> UInt64(gbits))
        }
    }

    /// Byte offset of entry `k` in the file.
    fileprivate func offset(ofEntry k: Int) -> Int { entries + k * entryBytes }

    /// Index of old bucket `ob`'s first entry (`ob` up to the sentinel).
    fileprivate func firstEntry(ofBucket ob: Int) -> Int {
        Int(base.loadUnaligned(fromByteOffset: Self.headerSize + ob * 4, as: UInt32.self).littleEndian)
    }

    /// Writes a file covering positions `1...covered.position` to `path` (temporary file,
    /// durable, renamed): see `write(file:base:fingerprints:covered:fd:path:dropsOldPages:bufferSize:isCancelled:)`.
    static func write(file: EventIDIndexFile?, base: UInt64, fingerprints: [UInt32], covered: LogHead,
                      path: String, directory: String, dropsOldPages: Bool = false) throws(LogError) {
        try FileIO.writeFileAtomically(path, directory: directory) { fd, tmp throws(LogError) in
            try write(file: file, base: base, fingerprints: fingerprints, covered: covered, fd: fd, path: tmp,
                      dropsOldPages: dropsOldPages)
        }
    }

    /// Writes a file covering positions `1...covered.position` into `fd` (a new, empty file):
    /// the entries of `file` (which must cover `1...base`) and `fingerprints` (32-bit
    /// `EventIDIndex` fingerprints of positions `base + 1...`, in order).
    ///
    /// In bounded memory, whatever the log's length: the new fingerprints (a checkpoint's worth)
    /// are sorted by bucket; then the file is merged bucket by bucket with the old one (whose
    /// entries are in (fingerprint, position) order already, unless the file was forged: a
    /// group of buckets found out of order is sorted) through a 1 MiB buffer, the body checksum
    /// computed as the bytes go out. The bucket table (256 KB) follows, then the header at
    /// offset 0. With `dropsOldPages`, the old file's pages read are dropped from this process's
    /// memory as the merge passes them (`MADV_DONTNEED`), so that they do not stay resident.
    /// The bytes are those FORMAT.md defines, the same as an in-memory encoding's.
    /// `isCancelled` is asked now and then; when it answers true the writing stops with
    /// `LogError.closed`.
    static func write(file: EventIDIndexFile?, base: UInt64, fingerprints: [UInt32], covered: LogHead,
                      fd: Int32, path: String, dropsOldPages: Bool = false, bufferSize: Int = SectionWriter.defaultBufferSize,
                      isCancelled: () -> Bool = { false }) throws(LogError) {
        let count = covered.position
        precondition((file?.coveredPosition ?? 0) == base && base + UInt64(fingerprints.count) == count,
                     "the event-id index file covers every position once")
        guard count < UInt64(UInt32.max) else { throw .corruptIndex(reason: "index/ids.idx: too many events for version 2") }
        let gbits = granuleBits(for: count)
        let bits = bucketBits(for: count >> UInt64(gbits)), pbits = positionBits(for: count) - gbits
        let ebytes = entryBytes(bucketBits: bits, positionBits: pbits)
        let checkBits = UInt32(fingerprintBits - bits)
        let checkMask: UInt32 = (1 << checkBits) - 1
        let bucketCount = 1 << bits
        let tableBytes = (bucketCount + 1) * 4

        // The new entries, by bucket (a counting sort), each bucket then sorted.
        var newStarts = [UInt32](repeating: 0, count: bucketCount + 1)
        for fp in fingerprints { newStarts[Int((fp >> 4) >> checkBits) + 1] += 1 }
        for b in 0..<bucketCount { newStarts[b + 1] += newStarts[b] }
        var fresh = [UInt64](repeating: 0, count: fingerprints.count)
        do {
            var next = newStarts
            fresh.withUnsafeMutableBufferPointer { fresh in
                next.withUnsafeMutableBufferPointer { next in
                    var position = base
                    for fp in fingerprints {
                        position += 1
                        let b = Int((fp >> 4) >> checkBits)
                        fresh[Int(next[b])] = UInt64((fp >> 4) & checkMask) << UInt64(pbits) | position >> UInt64(gbits)
                        next[b] += 1
                    }
                }
            }
        }
        if isCancelled() { throw .closed }

        var table = [UInt32](repeating: 0, count: bucketCount + 1)
        let out = SectionWriter(fd: fd, path: path, start: headerSize + tableBytes, bufferSize: bufferSize)
        var emitted = 0
        @inline(__always) func emit(_ value: UInt64) throws(LogError) {
            try out.append(low: value, bytes: ebytes)
            emitted += 1
        }
        // Buckets go in groups that cover the same fingerprints in the old file and the new one:
        // one old bucket split into 2^(bits - oldBits) new ones, or the other way round.
        let oldBits = file?.bucketBits ?? 0
        let groupBits = file == nil ? 0 : min(bits, oldBits)
        var old: [UInt64] = []
        var dropped = file.map { $0.offset(ofEntry: 0) } ?? 0
        for group in 0..<(1 << groupBits) {
            if group & 0xFFF == 0xFFF && isCancelled() { throw .closed }
            old.removeAll(keepingCapacity: true)
            if let file {
                for ob in (group << (oldBits - groupBits))..<((group + 1) << (oldBits - groupBits)) {
                    file.appendKeys(ofBucket: ob, granuleBits: gbits, to: &old)
                }
                for i in old.indices.dropFirst() where old[i - 1] > old[i] {
                    old.sort()
                    break
                }
                if dropsOldPages {
                    let read = file.offset(ofEntry: file.firstEntry(ofBucket: (group + 1) << (oldBits - groupBits)))
                    if read - dropped >= 1 << 20 { file.dropResidentPages(from: &dropped, to: read) }
                }
            }
            var i = 0
            let firstBucket = group << (bits - groupBits), endBucket = (group + 1) << (bits - groupBits)
            for b in firstBucket..<endBucket {
                if file == nil && b & 0xFFFF == 0xFFFF && isCancelled() { throw .closed }
                table[b] = UInt32(truncatingIfNeeded: emitted)
                var j = Int(newStarts[b])
                let newEnd = Int(newStarts[b + 1])
                if newEnd - j > 1 {
                    let start = j
                    fresh.withUnsafeMutableBufferPointer {
                        var bucket = UnsafeMutableBufferPointer(rebasing: $0[start..<newEnd])
                        bucket.sort()
                    }
                }
                // The old entries of this bucket, as values of the new file, merged with the new.
                while i < old.count && Int(old[i] >> (32 + UInt64(checkBits))) == b {
                    let key = old[i]
                    let value = (key >> 32 & UInt64(checkMask)) << UInt64(pbits) | key & 0xFFFF_FFFF
                    while j < newEnd && fresh[j] < value {
                        try emit(fresh[j])
                        j += 1
                    }
                    try emit(value)
                    i += 1
                }
                while j < newEnd {
                    try emit(fresh[j])
                    j += 1
                }
            }
            guard i == old.count else { throw .corruptIndex(reason: "index/ids.idx: entries out of their buckets") }
        }
        guard emitted == Int(count) else {
            throw .corruptIndex(reason: "index/ids.idx: \(emitted) entries for \(count) positions")
        }
        table[bucketCount] = UInt32(count)
        if let file, dropsOldPages { file.dropResidentPages() }
        let entries = try out.finish()
        for k in table.indices { table[k] = table[k].littleEndian }
        let tableCRC = table.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
        try FileIO.pwriteAll(fd, table, offset: headerSize, path: path)

        var header = ByteWriter(capacity: headerSize)
        header.appendRaw(magic)
        header.append(version)
        header.append(CRC32C.combine(tableCRC, entries.crc, secondLength: entries.count))
        header.append(count)
        header.appendRaw(covered.hash.bytes)
        header.append(UInt32(bits))
        header.append(UInt32(pbits))
        header.append(UInt32(ebytes))
        header.append(UInt32(gbits))
        header.append(UInt64(headerSize))
        header.append(UInt64(headerSize + tableBytes))
        header.append(UInt64(headerSize + tableBytes + Int(count) * ebytes))
        header.append(UInt64(0))
        header.append(UInt64(0))
        let headerCRC = header.bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, 112) }
        header.append(headerCRC)
        header.appendRaw(repeatElement(UInt8(0), count: 12))
        try FileIO.pwriteAll(fd, header.bytes, offset: 0, path: path)
    }
}

extension EventIDIndexFile.Table {
    @inline(__always) func entry(_ k: Int) -> UInt64 {
        var v: UInt64 = 0
        let o = entries + k * entryBytes
        if entryBytes == 4 { return UInt64(base.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian) }
        for i in 0..<entryBytes { v |= UInt64(base.load(fromByteOffset: o + i, as: UInt8.self)) << (8 * UInt64(i)) }
        return v
    }

    /// Starts loading the bucket-table entry of `fingerprint` (28 bits), without waiting.
    @inline(__always) func prefetchBucket(fingerprint: UInt32) {
        let bucket = Int(fingerprint >> UInt32(EventIDIndexFile.fingerprintBits - bucketBits))
        fabriek_prefetch(base + EventIDIndexFile.headerSize + bucket * 4)
    }

    /// Starts loading the entries `firstPosition(fingerprint:)` reads first: around its guess
    /// in the bucket (the bucket-table entry loaded by `prefetchBucket` an append earlier,
    /// ideally), or the whole bucket when small. The offsets come from the bucket table,
    /// checked at open; a prefetch never faults anyway.
    @inline(__always) func prefetchEntries(fingerprint: UInt32) {
        let checkBits = EventIDIndexFile.fingerprintBits - bucketBits
        let bucket = Int(fingerprint >> UInt32(checkBits))
        let check = UInt64(fingerprint) & ((1 << UInt64(checkBits)) - 1)
        let low = Int(base.loadUnaligned(fromByteOffset: EventIDIndexFile.headerSize + bucket * 4, as: UInt32.self).littleEndian)
        let high = Int(base.loadUnaligned(fromByteOffset: EventIDIndexFile.headerSize + bucket * 4 + 4, as: UInt32.self).littleEndian)
        guard high > low else { return }
        var a = low, b = high
        if high - low > 32 {
            let guess = low + Int(truncatingIfNeeded: (check &* UInt64(high - low)) >> UInt64(checkBits))
            a = max(low, guess - 13)
            b = min(high, guess + 13)
        }
        fabriek_prefetch(base + entries + a * entryBytes)
        fabriek_prefetch(base + entries + (a + b) / 2 * entryBytes)
        fabriek_prefetch(base + entries + b * entryBytes - 1)
    }

    /// Calls `body` with the positions each entry with `fingerprint` (28 bits) names (one
    /// position, or its granule's run of them; within `1...coveredPosition`), until it returns
    /// a position; returns that position. `body` compares the ids stored there.
    func firstPosition(fingerprint: UInt32, where body: (ClosedRange<UInt64>) throws -> UInt64?) rethrows -> UInt64? {
        let checkBits = EventIDIndexFile.fingerprintBits - bucketBits
        let bucket = Int(fingerprint >> UInt32(checkBits))
        let check = UInt64(fingerprint) & ((1 << UInt64(checkBits)) - 1)
        var low = Int(base.loadUnaligned(fromByteOffset: EventIDIndexFile.headerSize + bucket * 4, as: UInt32.self).littleEndian)
        let end = Int(base.loadUnaligned(fromByteOffset: EventIDIndexFile.headerSize + bucket * 4 + 4, as: UInt32.self).littleEndian)
        // Entries sort by (check, position): the first with this check, by binary search (a
        // bucket holds 8 to 16 × 2^granuleBits entries: ~150 at 10M events).
        var high = end
        let wanted = check << UInt64(positionBits)
        // Checks are uniform: the entry sits near its share of the bucket. Two probes around
        // that guess narrow the search to a cache line or two (a plain binary search over the
        // ~150 entries of a bucket at 10M events met a cache miss at nearly every step).
        if high - low > 32 {
            let guess = low + Int(truncatingIfNeeded: (check &* UInt64(high - low)) >> UInt64(checkBits))
            let a = max(low, guess - 12), b = min(high, guess + 12)
            if a > low && entry(a - 1) >= wanted { high = a - 1 } else { low = a }
            if b < high {
                if entry(b) >= wanted { high = b } else { low = max(low, b + 1) }
            }
        }
        while low < high {
            let mid = (low + high) / 2
            if entry(mid) < wanted { low = mid + 1 } else { high = mid }
        }
        for k in low..<end {
            let v = entry(k)
            guard v >> UInt64(positionBits) == check else { break }
            let first = max(1, (v & positionMask) << UInt64(granuleBits))
            let last = min(coveredPosition, ((v & positionMask) + 1) << UInt64(granuleBits) - 1)
            if first <= last, let p = try body(first...last) { return p }
        }
        return nil
    }
}
