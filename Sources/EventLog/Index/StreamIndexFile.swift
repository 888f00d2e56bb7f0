import CCRC32C
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The persisted stream index (`index/streams.idx`): stream → positions of its events, for the
/// log prefix the file names (position and chain hash). Mapped into memory, so opening a log of
/// a million events costs milliseconds instead of a rebuild. Derived data: rebuilt from the
/// segments when missing, stale or damaged.
///
/// Layout (little-endian): a 128-byte header; a table of slots (hash u64, check u32, record
/// offset u32; hash 0 = empty) of any size, placed by `hash * slots >> 64` with linear
/// probing; then records: varint count, varint first position, varint position deltas.
/// See `IndexHashing` for why stream names are not stored.
final class StreamIndexFile: @unchecked Sendable {
    static let magic: [UInt8] = Array("FABSIDX2".utf8)
    static let headerSize = 128
    static let slotSize = 16

    let coveredPosition: UInt64
    let coveredHash: ChainHash
    let streamCount: UInt64
    private let base: UnsafeRawPointer
    private let length: Int
    private let slotCount: UInt64
    private let table: Int
    private let records: Int

    private init(base: UnsafeRawPointer, length: Int) throws(LogError) {
        self.base = base
        self.length = length
        let raw = UnsafeRawBufferPointer(start: base, count: length)
        func u64(_ o: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian }
        guard length >= Self.headerSize, raw.prefix(8).elementsEqual(Self.magic) else {
            throw .corruptIndex(reason: "not an index file of this version")
        }
        guard raw.loadUnaligned(fromByteOffset: 112, as: UInt32.self).littleEndian == fabriek_crc32c(0, base, 112) else {
            throw .corruptIndex(reason: "header checksum mismatch")
        }
        guard u64(88) == UInt64(length) else { throw .corruptIndex(reason: "file length mismatch") }
        let bodyCRC = raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
        guard fabriek_crc32c(0, base + Self.headerSize, length - Self.headerSize) == bodyCRC else {
            throw .corruptIndex(reason: "body checksum mismatch")
        }
        coveredPosition = u64(16)
        coveredHash = ChainHash(unchecked: Array(raw[24..<56]))
        streamCount = u64(56)
        slotCount = u64(64)
        table = Int(u64(72))
        records = Int(u64(80))
        guard slotCount > 0, table + Int(slotCount) * Self.slotSize <= records, records <= length else {
            throw .corruptIndex(reason: "table exceeds the file")
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Maps the index file; nil when it does not exist.
    static func open(path: String) throws(LogError) -> StreamIndexFile? {
        guard FileIO.exists(path) else { return nil }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        let size = try FileIO.size(fd, path: path)
        guard size >= headerSize else { throw .corruptIndex(reason: "file too short") }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), p != MAP_FAILED else {
            throw .io(operation: "mmap", path: path, errno: errno)
        }
        do {
            return try StreamIndexFile(base: UnsafeRawPointer(p), length: size)
        } catch {
            munmap(p, size)
            throw error
        }
    }

    /// A stream's entry: its event count at `coveredPosition` and where its positions start.
    struct StreamRecord {
        var count: UInt64
        var slot: Int
        fileprivate var positionsOffset: Int
    }

    @inline(__always) static func home(_ hash: UInt64, _ slots: UInt64) -> UInt64 {
        hash.multipliedFullWidth(by: slots).high
    }

    func record(of key: IndexHashing.Key) -> StreamRecord? {
        var slot = Self.home(key.hash, slotCount)
        while true {
            let entry = base + table + Int(slot) * Self.slotSize
            let h = entry.loadUnaligned(as: UInt64.self).littleEndian
            if h == 0 { return nil }
            if h == key.hash && entry.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian == key.check {
                let offset = records + Int(entry.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
                var r = ByteReader(UnsafeRawBufferPointer(start: base, count: length), offset: offset)
                guard let count = try? r.readVarint() else { return nil }
                return StreamRecord(count: count, slot: Int(slot), positionsOffset: r.offset)
            }
            slot += 1
            if slot == slotCount { slot = 0 }
        }
    }

    func record(of stream: String) -> StreamRecord? { record(of: IndexHashing.key(stream)) }

    /// Decodes the positions of a record's events `0..<min(limit, count)`, in version order.
    func positions(_ record: StreamRecord, limit: UInt64 = .max) -> [UInt64] {
        let n = Int(min(limit, record.count))
        var out: [UInt64] = []
        out.reserveCapacity(n)
        var r = ByteReader(UnsafeRawBufferPointer(start: base, count: length), offset: record.positionsOffset)
        var p: UInt64 = 0
        for _ in 0..<n {
            guard let d = try? r.readVarint() else { break }
            p &+= d
            out.append(p)
        }
        return out
    }

    /// Raw bytes of every record, with its slot, for rewriting.
    fileprivate func forEachSlot(_ body: (Int, UInt64, UInt32, UnsafeRawBufferPointer) -> Void) {
        for slot in 0..<Int(slotCount) {
            let entry = base + table + slot * Self.slotSize
            let h = entry.loadUnaligned(as: UInt64.self).littleEndian
            if h == 0 { continue }
            let check = entry.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
            let start = records + Int(entry.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
            var r = ByteReader(UnsafeRawBufferPointer(start: base, count: length), offset: start)
            guard let count = try? r.readVarint() else { continue }
            for _ in 0..<count { _ = try? r.readVarint() }
            body(slot, h, check, UnsafeRawBufferPointer(start: base + start, count: r.offset - start))
        }
    }

    /// Writes a new index file covering `index` (the old file merged with the in-memory part).
    static func write(_ index: StreamIndex, covered: LogHead, path: String, directory: String) throws(LogError) {
        let streams = max(1, Int(index.streamCount))
        let slots = UInt64(streams + streams / 3 + 1)  // load factor 0.75
        var table = [UInt8](repeating: 0, count: Int(slots) * slotSize)
        var records = ByteWriter(capacity: streams * 8 + Int(covered.position) * 3)
        var touched = Set<Int>()
        guard records.count < Int(UInt32.max) else { throw .corruptIndex(reason: "index too large") }

        func place(_ key: IndexHashing.Key, recordOffset: Int) {
            var slot = home(key.hash, slots)
            table.withUnsafeMutableBytes { t in
                while t.loadUnaligned(fromByteOffset: Int(slot) * slotSize, as: UInt64.self) != 0 {
                    slot += 1
                    if slot == slots { slot = 0 }
                }
                let o = Int(slot) * slotSize
                t.storeBytes(of: key.hash.littleEndian, toByteOffset: o, as: UInt64.self)
                t.storeBytes(of: key.check.littleEndian, toByteOffset: o + 8, as: UInt32.self)
                t.storeBytes(of: UInt32(recordOffset).littleEndian, toByteOffset: o + 12, as: UInt32.self)
            }
        }

        for (stream, entry) in index.delta {
            let key = IndexHashing.key(stream)
            var all: [UInt64] = []
            if entry.baseCount > 0, let file = index.file, let rec = file.record(of: key) {
                touched.insert(rec.slot)
                all = file.positions(rec)
            }
            all.append(contentsOf: entry.positions)
            let offset = records.count
            records.appendVarint(UInt64(all.count))
            var previous: UInt64 = 0
            for p in all {
                records.appendVarint(p - previous)
                previous = p
            }
            place(key, recordOffset: offset)
        }
        index.file?.forEachSlot { slot, hash, check, bytes in
            guard !touched.contains(slot) else { return }
            let offset = records.count
            records.appendRaw(bytes)
            place(IndexHashing.Key(hash: hash, check: check), recordOffset: offset)
        }
        guard records.count < Int(UInt32.max) else { throw .corruptIndex(reason: "index too large") }

        let recordsStart = headerSize + table.count
        let fileLength = recordsStart + records.count
        var header = ByteWriter(capacity: headerSize)
        header.appendRaw(magic)
        header.append(UInt32(2))
        header.append(UInt32(0))  // body CRC, patched below
        header.append(covered.position)
        header.appendRaw(covered.hash.bytes)
        header.append(UInt64(index.streamCount))
        header.append(slots)
        header.append(UInt64(headerSize))
        header.append(UInt64(recordsStart))
        header.append(UInt64(fileLength))
        header.appendRaw([UInt8](repeating: 0, count: 112 - header.count))
        var bodyCRC = table.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
        bodyCRC = records.bytes.withUnsafeBytes { fabriek_crc32c(bodyCRC, $0.baseAddress, $0.count) }
        header.patch(bodyCRC, at: 12)
        let headerCRC = header.bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, 112) }
        header.append(headerCRC)
        header.appendRaw([UInt8](repeating: 0, count: headerSize - header.count))
        var file = header.bytes
        file.reserveCapacity(fileLength)
        file.append(contentsOf: table)
        file.append(contentsOf: records.bytes)
        try FileIO.writeFileAtomically(path, directory: directory, bytes: file)
    }
}
