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

    let coveredPosition: UInt64
    let coveredHash: ChainHash
    private let base: UnsafeRawPointer
    private let length: Int
    private let bucketBits: Int
    /// Bits of the stored position field (`position >> granuleBits`).
    private let positionBits: Int
    /// An entry names the positions `(field << granuleBits) ..< ((field + 1) << granuleBits)`.
    private let granuleBits: Int
    private let entryBytes: Int
    private let entries: Int
    private let positionMask: UInt64

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

    private init(base: UnsafeRawPointer, length: Int) throws(LogError) {
        self.base = base
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
        guard fabriek_crc32c(0, base + Self.headerSize, length - Self.headerSize) == u32(12) else {
            throw damaged("body checksum mismatch")
        }
        coveredPosition = u64(16)
        coveredHash = ChainHash(unchecked: Array(raw[24..<56]))
        let bits = Int(u32(56)), pbits = Int(u32(60)), ebytes = Int(u32(64)), gbits = Int(u32(68))
        // The layout is the one a writer chooses for this covered position (merging an older
        // file relies on granules that only grow).
        guard bits <= Self.fingerprintBits, gbits == Self.granuleBits(for: coveredPosition),
              pbits == Self.positionBits(for: coveredPosition) - gbits,
              ebytes == Self.entryBytes(bucketBits: bits, positionBits: pbits), ebytes >= 4, ebytes <= 8 else {
            throw damaged("bad table layout")
        }
        bucketBits = bits
        positionBits = pbits
        granuleBits = gbits
        entryBytes = ebytes
        positionMask = (1 << UInt64(pbits)) - 1
        entries = Self.headerSize + ((1 << bits) + 1) * 4
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

    /// Maps the file; nil when it does not exist.
    /// - Throws: `LogError.corruptIndex` when it is damaged or of another version, `.io`.
    static func open(path: String) throws(LogError) -> EventIDIndexFile? {
        guard FileIO.exists(path) else { return nil }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let size = try FileIO.size(fd, path: path)
        guard size >= headerSize else { throw .corruptIndex(reason: "index/ids.idx: file too short") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), p != MAP_FAILED else {
            throw .io(operation: "mmap", path: path, errno: errno)
        }
        do {
            return try EventIDIndexFile(base: UnsafeRawPointer(p), length: size)
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

    @inline(__always) private func entry(_ k: Int) -> UInt64 {
        var v: UInt64 = 0
        let o = entries + k * entryBytes
        if entryBytes == 4 { return UInt64(base.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian) }
        for i in 0..<entryBytes { v |= UInt64(base.load(fromByteOffset: o + i, as: UInt8.self)) << (8 * UInt64(i)) }
        return v
    }

    /// Starts loading the bucket-table entry of `fingerprint` (28 bits), without waiting.
    @inline(__always) func prefetchBucket(fingerprint: UInt32) {
        let bucket = Int(fingerprint >> UInt32(Self.fingerprintBits - bucketBits))
        fabriek_prefetch(base + Self.headerSize + bucket * 4)
    }

    /// Starts loading the entries `firstPosition(fingerprint:)` reads first: around its guess
    /// in the bucket (the bucket-table entry loaded by `prefetchBucket` an append earlier,
    /// ideally), or the whole bucket when small. The offsets come from the bucket table,
    /// checked at open; a prefetch never faults anyway.
    @inline(__always) func prefetchEntries(fingerprint: UInt32) {
        let checkBits = Self.fingerprintBits - bucketBits
        let bucket = Int(fingerprint >> UInt32(checkBits))
        let check = UInt64(fingerprint) & ((1 << UInt64(checkBits)) - 1)
        let low = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + bucket * 4, as: UInt32.self).littleEndian)
        let high = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + bucket * 4 + 4, as: UInt32.self).littleEndian)
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
        let checkBits = Self.fingerprintBits - bucketBits
        let bucket = Int(fingerprint >> UInt32(checkBits))
        let check = UInt64(fingerprint) & ((1 << UInt64(checkBits)) - 1)
        var low = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + bucket * 4, as: UInt32.self).littleEndian)
        let end = Int(base.loadUnaligned(fromByteOffset: Self.headerSize + bucket * 4 + 4, as: UInt32.self).littleEndian)
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

    /// Writes a file covering positions `1...covered.position`: the entries of `file` (which
    /// must cover `1...base`) and `fingerprints` (32-bit `EventIDIndex` fingerprints of
    /// positions `base + 1...`, in order).
    static func write(file: EventIDIndexFile?, base: UInt64, fingerprints: [UInt32], covered: LogHead,
                      path: String, directory: String) throws(LogError) {
        try FileIO.writeFileAtomically(path, directory: directory,
                                       bytes: encode(file: file, base: base, fingerprints: fingerprints, covered: covered))
    }

    /// The bytes of the file `write` writes. The old file's entries are placed by bucket in
    /// their order (sorted already, unless the file was forged), the new ones after them, then
    /// each bucket's new entries are sorted and merged with its old ones as they are written.
    /// `isCancelled` is asked now and then; when it answers true the encoding stops with
    /// `LogError.closed`.
    static func encode(file: EventIDIndexFile?, base: UInt64, fingerprints: [UInt32], covered: LogHead,
                       isCancelled: () -> Bool = { false }) throws(LogError) -> [UInt8] {
        let count = covered.position
        precondition((file?.coveredPosition ?? 0) == base && base + UInt64(fingerprints.count) == count,
                     "the event-id index file covers every position once")
        guard count < UInt64(UInt32.max) else { throw .corruptIndex(reason: "index/ids.idx: too many events for version 2") }
        let gbits = granuleBits(for: count)
        let bits = bucketBits(for: count >> UInt64(gbits)), pbits = positionBits(for: count) - gbits
        let ebytes = entryBytes(bucketBits: bits, positionBits: pbits)
        let checkBits = UInt32(fingerprintBits - bits)
        let checkMask: UInt32 = (1 << checkBits) - 1
        // Counting sort by bucket: the old entries first, then the new ones.
        var starts = [UInt32](repeating: 0, count: (1 << bits) + 1)
        file?.forEachEntry { fp, _ in starts[Int(fp >> checkBits) + 1] += 1 }
        for fp in fingerprints { starts[Int((fp >> 4) >> checkBits) + 1] += 1 }
        for b in 0..<(1 << bits) { starts[b + 1] += starts[b] }
        var values = [UInt64](repeating: 0, count: Int(count))
        var next = starts
        values.withUnsafeMutableBufferPointer { values in
            next.withUnsafeMutableBufferPointer { next in
                file?.forEachEntry { fp, position in
                    let b = Int(fp >> checkBits)
                    values[Int(next[b])] = UInt64(fp & checkMask) << UInt64(pbits) | position >> UInt64(gbits)
                    next[b] += 1
                }
            }
        }
        if isCancelled() { throw .closed }
        let oldEnds = next
        values.withUnsafeMutableBufferPointer { values in
            next.withUnsafeMutableBufferPointer { next in
                var position = base
                for fp in fingerprints {
                    position += 1
                    let b = Int((fp >> 4) >> checkBits)
                    values[Int(next[b])] = UInt64((fp >> 4) & checkMask) << UInt64(pbits) | position >> UInt64(gbits)
                    next[b] += 1
                }
            }
        }
        if isCancelled() { throw .closed }

        var header = ByteWriter(capacity: headerSize)
        header.appendRaw(magic)
        header.append(version)
        header.append(UInt32(0))  // body CRC, patched below
        header.append(count)
        header.appendRaw(covered.hash.bytes)
        header.append(UInt32(bits))
        header.append(UInt32(pbits))
        header.append(UInt32(ebytes))
        header.append(UInt32(gbits))
        header.append(UInt64(headerSize))
        header.append(UInt64(headerSize + starts.count * 4))
        header.append(UInt64(headerSize + starts.count * 4 + Int(count) * ebytes))
        header.append(UInt64(0))
        header.append(UInt64(0))
        header.append(UInt32(0))  // header CRC, patched below
        header.appendRaw(repeatElement(UInt8(0), count: 12))
        let length = headerSize + starts.count * 4 + Int(count) * ebytes
        // Written in place into the array returned (not into a buffer then copied: ~40 MB at
        // 10M events, on a core the writer shares memory bandwidth with). 8 bytes of slack: an
        // entry is stored as 8 bytes, of which the next overwrites the rest.
        return [UInt8](unsafeUninitializedCapacity: length + 8) { buffer, initialized in
            let out = UnsafeMutableRawPointer(buffer.baseAddress!)
            header.bytes.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: headerSize) }
            var at = headerSize
            for s in starts {
                out.storeBytes(of: s.littleEndian, toByteOffset: at, as: UInt32.self)
                at += 4
            }
            @inline(__always) func emit(_ value: UInt64) {
                if ebytes == 4 {
                    out.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: at, as: UInt32.self)
                } else {
                    out.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt64.self)
                }
                at += ebytes
            }
            values.withUnsafeMutableBufferPointer { v in
                for b in 0..<(starts.count - 1) {
                    let start = Int(starts[b]), middle = Int(oldEnds[b]), end = Int(starts[b + 1])
                    var old = UnsafeMutableBufferPointer(rebasing: v[start..<middle])
                    var new = UnsafeMutableBufferPointer(rebasing: v[middle..<end])
                    if new.count > 1 { new.sort() }
                    if old.count > 1 && !zip(old, old.dropFirst()).allSatisfy({ $0 <= $1 }) { old.sort() }
                    var i = 0, j = 0
                    while i < old.count && j < new.count {
                        if new[j] < old[i] {
                            emit(new[j])
                            j += 1
                        } else {
                            emit(old[i])
                            i += 1
                        }
                    }
                    while i < old.count {
                        emit(old[i])
                        i += 1
                    }
                    while j < new.count {
                        emit(new[j])
                        j += 1
                    }
                }
            }
            precondition(at == length, "the event-id index file is laid out as its header says")
            let bodyCRC = fabriek_crc32c(0, out + headerSize, length - headerSize)
            out.storeBytes(of: bodyCRC.littleEndian, toByteOffset: 12, as: UInt32.self)
            let headerCRC = fabriek_crc32c(0, out, 112)
            out.storeBytes(of: headerCRC.littleEndian, toByteOffset: 112, as: UInt32.self)
            initialized = length
        }
    }
}
