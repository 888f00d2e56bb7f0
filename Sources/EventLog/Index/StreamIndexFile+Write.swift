import CCRC32C

/// Writing the stream index file: the old file's entries merged with the in-memory ones.
///
/// Every event in memory comes after the old file's coverage, so a stream new since the file
/// has a first position past every stream the file holds: in a bucket (entries sorted by first
/// position) it goes after the file's entries, and those keep their order. The merge therefore
/// copies the file's records as they are (their deltas byte for byte; only the count and the
/// first-position difference of an entry are written again, the count grown for a stream with
/// new events), then appends the new streams of the bucket in the order of their first events
/// (the in-memory table's insertion order). Decoding every record and building the file again
/// from sorted positions cost ~1.5 s at 10M events; this is a copy with a few varints per entry.
///
/// The file is written straight to its temporary file, each section in order from its known
/// offset through a buffer of 1 MiB (`SectionWriter`), its checksum computed as it goes; the
/// header goes last, at offset 0. Working memory: the buffers, one group of old buckets, and
/// a few bytes per in-memory stream, not the file (assembling it in memory, then copying it,
/// cost ~200 MB of peak RSS at 10M events).
extension StreamIndexFile {
    /// Writes a file covering `index` at `covered` to `path` (temporary file, durable, renamed):
    /// see `write(_:covered:fd:path:dropsOldPages:bufferSize:isCancelled:)`.
    static func write(_ index: StreamIndex, covered: LogHead, path: String, directory: String,
                      dropsOldPages: Bool = false) throws(LogError) {
        try FileIO.writeFileAtomically(path, directory: directory) { fd, tmp throws(LogError) in
            try write(index, covered: covered, fd: fd, path: tmp, dropsOldPages: dropsOldPages)
        }
    }

    /// One entry of the old file, decoded up to its deltas.
    private struct OldEntry {
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

    /// Writes a file covering `index` at `covered` into `fd` (a new, empty file): the old
    /// file's entries merged with the in-memory ones (a stream in both gets the file's
    /// positions, then the in-memory ones). With `dropsOldPages`, the old file's pages read are
    /// dropped from this process's memory as the merge passes them (`MADV_DONTNEED`).
    /// `isCancelled` is asked now and then; when it answers true the writing stops with
    /// `LogError.closed`.
    static func write(_ index: StreamIndex, covered: LogHead, fd: Int32, path: String, dropsOldPages: Bool = false,
                      bufferSize: Int = SectionWriter.defaultBufferSize, isCancelled: () -> Bool = { false }) throws(LogError) {
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
        guard index.streamCount < UInt64(UInt32.max) - 1 else { throw .corruptIndex(reason: "index too large") }
        let keysStart = headerSize + (bucketCount + 1) * bucketEntrySize
        let keysLength = Int(index.streamCount) * (hashBytes + 4)
        let bucketTable = SectionWriter(fd: fd, path: path, start: headerSize, bufferSize: bufferSize)
        let keys = SectionWriter(fd: fd, path: path, start: keysStart, bufferSize: bufferSize)
        let records = SectionWriter(fd: fd, path: path, start: keysStart + keysLength, bufferSize: bufferSize)
        // How far the old file's keys and records were read, and their pages dropped.
        var droppedKeys = file?.keys ?? 0, droppedRecords = file?.records ?? 0
        var entryCount = 0
        var old: [OldEntry] = []
        var partitioned: [OldEntry] = []
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
                    try file.decodeBucket(ob, into: &old) { bucket($0) }
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
                try bucketTable.append(UInt32(entryCount))
                try bucketTable.append(UInt32(records.count))
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
                    try keys.append(low: e.hash & lowMask, bytes: hashBytes)
                    try keys.append(e.check)
                    let extra = e.memory >= 0 ? memory[e.memory].value.count : 0
                    try records.appendVarint(e.count + extra)
                    try records.appendVarint(e.first &- previousFirst)
                    previousFirst = e.first
                    let file = file.unsafelyUnwrapped
                    try records.append(file.base + e.deltas, count: e.end - e.deltas)
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
                            try records.appendVarint(p &- last)
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
                    try keys.append(low: entry.key.hash & lowMask, bytes: hashBytes)
                    try keys.append(entry.key.check)
                    try records.appendVarint(UInt64(positions.count))
                    try records.appendVarint(positions[0] &- previousFirst)
                    previousFirst = positions[0]
                    var previous = positions[0]
                    for p in positions.dropFirst() {
                        try records.appendVarint(p &- previous)
                        previous = p
                    }
                    entryCount += 1
                }
            }
            guard nextOld == old.count else { throw .corruptIndex(reason: "entries out of their buckets") }
            if dropsOldPages, let file {
                let end = file.buckets + ((group + 1) << (oldBits - groupBits)) * bucketEntrySize
                let keysRead = file.keys + Int(file.u32(end)) * (file.hashBytes + 4)
                let recordsRead = file.records + Int(file.u32(end + 4))
                if keysRead - droppedKeys >= 1 << 20 { FileIO.dropResidentPages(file.base, from: &droppedKeys, to: keysRead) }
                if recordsRead - droppedRecords >= 1 << 20 {
                    FileIO.dropResidentPages(file.base, from: &droppedRecords, to: recordsRead)
                }
            }
        }
        guard entryCount < Int(UInt32.max) - 1, records.count < Int(UInt32.max) else {
            throw .corruptIndex(reason: "index too large")
        }
        // The sentinel.
        try bucketTable.append(UInt32(entryCount))
        try bucketTable.append(UInt32(records.count))
        if dropsOldPages, let file { file.dropResidentPages() }
        let table = try bucketTable.finish(), keyBytes = try keys.finish(), recordBytes = try records.finish()
        guard keyBytes.count == keysLength else {
            throw .corruptIndex(reason: "\(entryCount) entries written for \(index.streamCount) streams")
        }
        let bodyCRC = CRC32C.combine(CRC32C.combine(table.crc, keyBytes.crc, secondLength: keyBytes.count),
                                     recordBytes.crc, secondLength: recordBytes.count)
        let recordsStart = keysStart + keysLength
        var header = ByteWriter(capacity: headerSize)
        header.appendRaw(magic)
        header.append(version)
        header.append(bodyCRC)
        header.append(covered.position)
        header.appendRaw(covered.hash.bytes)
        header.append(UInt64(entryCount))
        header.append(UInt32(bits))
        header.append(UInt32(0))
        header.append(UInt64(headerSize))
        header.append(UInt64(keysStart))
        header.append(UInt64(recordsStart))
        header.append(UInt64(recordsStart + recordBytes.count))
        header.appendRaw([UInt8](repeating: 0, count: 112 - header.count))
        let headerCRC = header.bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, 112) }
        header.append(headerCRC)
        header.appendRaw([UInt8](repeating: 0, count: headerSize - header.count))
        try FileIO.pwriteAll(fd, header.bytes, offset: 0, path: path)
    }

    /// Appends old bucket `ob`'s entries to `out`, decoded up to their deltas, each with its
    /// bucket in the new file (`bucketOf` its full hash).
    private func decodeBucket(_ ob: Int, into out: inout [OldEntry], bucketOf: (UInt64) -> Int) throws(LogError) {
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
            out.append(OldEntry(hash: hash, check: stored.check, count: count, first: previousFirst,
                                deltas: deltas, end: offset, memory: -1, bucket: bucketOf(hash)))
        }
    }
}
