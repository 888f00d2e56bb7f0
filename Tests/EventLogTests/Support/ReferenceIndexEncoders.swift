import CCRC32C
@testable import EventLog

// The in-memory encoders of the index files as they were before the files were written
// straight to their temporary file (main at 2f18fdb, verbatim but for their names): the
// reference the streaming writers must match byte for byte (`IndexFileStreamingTests`).
// Test code only: nothing in the library uses them.

extension EventIDIndexFile {
    /// The bytes of the file `write` writes. The old file's entries are placed by bucket in
    /// their order (sorted already, unless the file was forged), the new ones after them, then
    /// each bucket's new entries are sorted and merged with its old ones as they are written.
    /// `isCancelled` is asked now and then; when it answers true the encoding stops with
    /// `LogError.closed`.
    static func referenceEncode(file: EventIDIndexFile?, base: UInt64, fingerprints: [UInt32], covered: LogHead,
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

extension StreamIndexFile {
    /// One entry of the old file, decoded up to its deltas.
    struct ReferenceOldEntry {
        var hash: UInt64
        var check: UInt32
        var count: UInt64
        var first: UInt64
        /// The record's deltas: `deltas..<end` in the old file.
        var deltas: Int
        var end: Int
        /// The in-memory stream (index into `streamEntries`) with later events; -1 when none.
        var memory: Int
        /// The output bucket.
        var bucket: Int
    }

    /// The bytes of a file covering `index` at `covered`. `isCancelled` is asked now and then;
    /// when it answers true the encoding stops with `LogError.closed`.
    static func referenceEncode(_ index: StreamIndex, covered: LogHead,
                       isCancelled: () -> Bool = { false }) throws(LogError) -> [UInt8] {
        let bits = bucketBits(forStreams: index.streamCount)
        let hashBytes = (64 - bits + 7) / 8
        let bucketCount = 1 << bits
        let shift = UInt64(64 - bits)
        let lowMask: UInt64 = bits == 0 ? ~0 : (1 << shift) - 1
        @inline(__always) func bucket(_ hash: UInt64) -> Int { bits == 0 ? 0 : Int(truncatingIfNeeded: hash >> shift) }

        // The in-memory streams by bucket (a stable counting sort: within a bucket, in the order
        // of their first in-memory events).
        let memory = index.streamEntries
        guard memory.count < Int(Int32.max) else { throw .corruptIndex(reason: "index too large") }
        var memoryStart = [Int32](repeating: 0, count: bucketCount + 1)
        for e in memory { memoryStart[bucket(e.key.hash) + 1] += 1 }
        for b in 0..<bucketCount { memoryStart[b + 1] += memoryStart[b] }
        var memoryOrder = [Int32](repeating: 0, count: memory.count)
        do {
            var fill = memoryStart
            for (i, e) in memory.enumerated() {
                let b = bucket(e.key.hash)
                memoryOrder[Int(fill[b])] = Int32(i)
                fill[b] += 1
            }
        }

        let file = index.file
        let oldBits = file?.bucketBits ?? 0
        // Buckets are processed in groups that cover the same hash range in the old file and the
        // new one: one old bucket split into 2^(bits - oldBits) new ones, or the other way round.
        let groupBits = min(bits, oldBits)
        let memoryEvents = index.inMemoryEvents
        let bucketTable = GrowableBytes(capacity: (bucketCount + 1) * bucketEntrySize)
        let keys = GrowableBytes(capacity: Int(min(index.streamCount, 1 << 32)) * (hashBytes + 4))
        let records = GrowableBytes(capacity: (file.map { $0.length - $0.records } ?? 0) + memory.count * 4 + memoryEvents * 3)
        var entryCount = 0
        var old: [ReferenceOldEntry] = []
        var partitioned: [ReferenceOldEntry] = []
        var fresh: [(first: UInt64, entry: Int)] = []
        var positions: [UInt64] = []
        var nextOld = 0  // the next entry of `old` to write
        let groups = file == nil ? 1 : 1 << groupBits

        for group in 0..<groups {
            if group & 0xFFF == 0xFFF && isCancelled() { throw .closed }
            old.removeAll(keepingCapacity: true)
            nextOld = 0
            if let file {
                // Every old bucket of the group, decoded up to the deltas, in file order.
                let first = group << (oldBits - groupBits), last = (group + 1) << (oldBits - groupBits)
                for ob in first..<last {
                    try file.referenceDecodeBucket(ob, into: &old) { bucket($0) }
                }
                // By output bucket, in first-position order: the file's order when the buckets are
                // the same; split buckets keep it within each part (a stable partition); merged
                // ones are sorted.
                if oldBits > bits {
                    old.sort { $0.first < $1.first }
                } else if bits > oldBits + 3 {
                    old.sort { ($0.bucket, $0.first) < ($1.bucket, $1.first) }
                } else if bits > oldBits {
                    partitioned.removeAll(keepingCapacity: true)
                    for b in (group << (bits - groupBits))..<((group + 1) << (bits - groupBits)) {
                        for e in old where e.bucket == b { partitioned.append(e) }
                    }
                    swap(&old, &partitioned)
                }
            }
            let firstBucket = file == nil ? 0 : group << (bits - groupBits)
            let endBucket = file == nil ? bucketCount : (group + 1) << (bits - groupBits)
            for b in firstBucket..<endBucket {
                if file == nil && b & 0xFFFF == 0xFFFF && isCancelled() { throw .closed }
                guard entryCount < Int(UInt32.max) - 1, records.count < Int(UInt32.max) else {
                    throw .corruptIndex(reason: "index too large")
                }
                bucketTable.append(UInt32(entryCount))
                bucketTable.append(UInt32(records.count))
                var endOld = nextOld
                while endOld < old.count && old[endOld].bucket == b { endOld += 1 }
                // The bucket's in-memory streams: those in the file extend their entries, the
                // others are new, written after the file's entries.
                fresh.removeAll(keepingCapacity: true)
                for k in Int(memoryStart[b])..<Int(memoryStart[b + 1]) {
                    let m = Int(memoryOrder[k])
                    let entry = memory[m]
                    if entry.value.baseCount == 0 {
                        fresh.append((index.firstPosition(of: entry.value), m))
                        continue
                    }
                    guard let j = old[nextOld..<endOld].firstIndex(where: { $0.hash == entry.key.hash && $0.check == entry.key.check }),
                          old[j].count == entry.value.baseCount, old[j].memory < 0 else {
                        throw .corruptIndex(reason: "a stream with events in memory does not match its entry in the file")
                    }
                    old[j].memory = m
                }
                var previousFirst: UInt64 = 0
                for j in nextOld..<endOld {
                    let e = old[j]
                    keys.append(low: e.hash & lowMask, bytes: hashBytes)
                    keys.append(e.check)
                    let extra = e.memory >= 0 ? memory[e.memory].value.count : 0
                    records.appendVarint(e.count + extra)
                    records.appendVarint(e.first &- previousFirst)
                    previousFirst = e.first
                    let file = file.unsafelyUnwrapped
                    records.append(file.base + e.deltas, count: e.end - e.deltas)
                    if e.memory >= 0 {
                        var last = e.first
                        var offset = e.deltas
                        while offset < e.end {
                            guard let d = try? Varint.decode(file.base, offset: &offset, end: e.end) else {
                                throw .corruptIndex(reason: "record \(entryCount) is damaged")
                            }
                            last &+= d
                        }
                        positions.removeAll(keepingCapacity: true)
                        index.appendPositions(of: memory[e.memory].value, to: &positions)
                        for p in positions {
                            records.appendVarint(p &- last)
                            last = p
                        }
                    }
                    entryCount += 1
                }
                nextOld = endOld
                var ordered = true
                for i in fresh.indices.dropFirst() where fresh[i - 1].first > fresh[i].first {
                    ordered = false
                    break
                }
                if !ordered { fresh.sort { $0.first < $1.first } }
                for (_, m) in fresh {
                    let entry = memory[m]
                    positions.removeAll(keepingCapacity: true)
                    index.appendPositions(of: entry.value, to: &positions)
                    keys.append(low: entry.key.hash & lowMask, bytes: hashBytes)
                    keys.append(entry.key.check)
                    records.appendVarint(UInt64(positions.count))
                    records.appendVarint(positions[0] &- previousFirst)
                    previousFirst = positions[0]
                    var previous = positions[0]
                    for p in positions.dropFirst() {
                        records.appendVarint(p &- previous)
                        previous = p
                    }
                    entryCount += 1
                }
            }
            guard nextOld == old.count else { throw .corruptIndex(reason: "entries out of their buckets") }
        }
        guard entryCount < Int(UInt32.max) - 1, records.count < Int(UInt32.max) else {
            throw .corruptIndex(reason: "index too large")
        }
        // The sentinel.
        bucketTable.append(UInt32(entryCount))
        bucketTable.append(UInt32(records.count))
        return withExtendedLifetime((bucketTable, keys, records)) {
            referenceAssemble(covered: covered, entries: entryCount, bucketBits: bits,
                     sections: [bucketTable.bytes, keys.bytes, records.bytes])
        }
    }

    /// Header and sections, with their checksums.
    static func referenceAssemble(covered: LogHead, entries: Int, bucketBits: Int,
                                 sections: [UnsafeRawBufferPointer]) -> [UInt8] {
        let keysStart = headerSize + sections[0].count
        let recordsStart = keysStart + sections[1].count
        let fileLength = recordsStart + sections[2].count
        var header = ByteWriter(capacity: headerSize)
        header.appendRaw(magic)
        header.append(version)
        header.append(UInt32(0))  // body CRC, patched below
        header.append(covered.position)
        header.appendRaw(covered.hash.bytes)
        header.append(UInt64(entries))
        header.append(UInt32(bucketBits))
        header.append(UInt32(0))
        header.append(UInt64(headerSize))
        header.append(UInt64(keysStart))
        header.append(UInt64(recordsStart))
        header.append(UInt64(fileLength))
        header.appendRaw([UInt8](repeating: 0, count: 112 - header.count))
        var bodyCRC: UInt32 = 0
        for section in sections where section.count > 0 {
            bodyCRC = fabriek_crc32c(bodyCRC, section.baseAddress, section.count)
        }
        header.patch(bodyCRC, at: 12)
        let headerCRC = header.bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, 112) }
        header.append(headerCRC)
        header.appendRaw([UInt8](repeating: 0, count: headerSize - header.count))
        return [UInt8](unsafeUninitializedCapacity: fileLength) { out, initialized in
            header.bytes.withUnsafeBytes { h in
                UnsafeMutableRawBufferPointer(out).copyMemory(from: h)
            }
            var at = headerSize
            for section in sections where section.count > 0 {
                UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[at..<(at + section.count)])
                    .copyMemory(from: section)
                at += section.count
            }
            initialized = at
        }
    }

    /// Appends old bucket `ob`'s entries to `out`, decoded up to their deltas, each with its
    /// bucket in the new file (`bucketOf` its full hash).
    func referenceDecodeBucket(_ ob: Int, into out: inout [ReferenceOldEntry], bucketOf: (UInt64) -> Int) throws(LogError) {
        let table = buckets + ob * Self.bucketEntrySize
        let first = Int(u32(table)), end = Int(u32(table + Self.bucketEntrySize))
        let top = bucketBits == 0 ? 0 : UInt64(ob) << (64 - UInt64(bucketBits))
        var offset = records + Int(u32(table + 4))
        var previousFirst: UInt64 = 0
        for k in first..<end {
            let stored = storedKey(k)
            guard let count = try? Varint.decode(base, offset: &offset, end: length),
                  count >= 1, count <= UInt64(length - offset),
                  let difference = try? Varint.decode(base, offset: &offset, end: length) else {
                throw .corruptIndex(reason: "record \(k) is damaged")
            }
            let deltas = offset
            for _ in 1..<count {
                guard (try? Varint.decode(base, offset: &offset, end: length)) != nil else {
                    throw .corruptIndex(reason: "record \(k) is damaged")
                }
            }
            previousFirst &+= difference
            let hash = top | stored.bits
            out.append(ReferenceOldEntry(hash: hash, check: stored.check, count: count, first: previousFirst,
                                deltas: deltas, end: offset, memory: -1, bucket: bucketOf(hash)))
        }
    }
}
