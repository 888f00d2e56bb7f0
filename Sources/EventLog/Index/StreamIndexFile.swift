import CCRC32C
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The persisted stream and event-id index (`index/streams.idx`): two open-addressing hash
/// tables mapped into memory, so that opening a log of a million events costs a few
/// milliseconds instead of a rebuild. It is derived data: valid only for the log prefix it names
/// (position and chain hash), and rebuilt from the segments when missing, stale or damaged.
///
/// Layout (little-endian): a 128-byte header, the stream table (slots of hash u64 + record
/// offset u64), the id table (slots of UUID 16 bytes + position u64), then stream records
/// (id length u32, count u32, id bytes, count × position u64).
final class StreamIndexFile: @unchecked Sendable {
    static let magic: [UInt8] = Array("FABSIDX1".utf8)
    static let headerSize = 128

    let coveredPosition: UInt64
    let coveredHash: ChainHash
    let streamCount: UInt64
    private let base: UnsafeRawPointer
    private let length: Int
    private let streamMask: UInt64
    private let streamTable: Int
    private let idMask: UInt64
    private let idTable: Int

    private init(base: UnsafeRawPointer, length: Int) throws(LogError) {
        self.base = base
        self.length = length
        let raw = UnsafeRawBufferPointer(start: base, count: length)
        func u64(_ o: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian }
        guard length >= Self.headerSize, raw.prefix(8).elementsEqual(Self.magic) else {
            throw .corruptIndex(reason: "not an index file")
        }
        guard raw.loadUnaligned(fromByteOffset: 112, as: UInt32.self).littleEndian == fabriek_crc32c(0, base, 112) else {
            throw .corruptIndex(reason: "header checksum mismatch")
        }
        guard u64(104) == UInt64(length) else { throw .corruptIndex(reason: "file length mismatch") }
        let bodyCRC = raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
        guard fabriek_crc32c(0, base + Self.headerSize, length - Self.headerSize) == bodyCRC else {
            throw .corruptIndex(reason: "body checksum mismatch")
        }
        coveredPosition = u64(16)
        coveredHash = ChainHash(unchecked: Array(raw[24..<56]))
        streamCount = u64(56)
        let streamSlots = u64(64), idSlots = u64(80)
        guard streamSlots.nonzeroBitCount == 1, idSlots.nonzeroBitCount == 1 else {
            throw .corruptIndex(reason: "table sizes are not powers of two")
        }
        streamMask = streamSlots - 1
        streamTable = Int(u64(72))
        idMask = idSlots - 1
        idTable = Int(u64(88))
        guard streamTable + Int(streamSlots) * 16 <= length, idTable + Int(idSlots) * 24 <= length else {
            throw .corruptIndex(reason: "tables exceed the file")
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

    @inline(__always) private func u64(_ o: Int) -> UInt64 {
        base.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian
    }
    @inline(__always) private func u32(_ o: Int) -> UInt32 {
        base.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian
    }

    /// The stream's record: how many events it had at `coveredPosition` and where their
    /// positions are.
    struct StreamRecord {
        var count: UInt64
        var positionsOffset: Int
    }

    func record(of stream: String) -> StreamRecord? {
        var s = stream
        return s.withUTF8 { record(of: UnsafeRawBufferPointer($0)) }
    }

    func record(of id: UnsafeRawBufferPointer) -> StreamRecord? {
        let h = IndexHashing.hash(id)
        var slot = h & streamMask
        while true {
            let entry = streamTable + Int(slot) * 16
            let offset = Int(u64(entry + 8))
            if offset == 0 { return nil }
            if u64(entry) == h {
                let idLength = Int(u32(offset))
                if idLength == id.count && memcmp(base + offset + 8, id.baseAddress!, idLength) == 0 {
                    return StreamRecord(count: UInt64(u32(offset + 4)), positionsOffset: offset + 8 + idLength)
                }
            }
            slot = (slot + 1) & streamMask
        }
    }

    /// The position of the stream's `index`-th event (0-based).
    func position(_ record: StreamRecord, at index: UInt64) -> UInt64 {
        u64(record.positionsOffset + Int(index) * 8)
    }

    func position(ofEvent id: UUID) -> UInt64? {
        withUnsafeBytes(of: id.uuid) { key in
            let h = IndexHashing.hash(uuid: key)
            var slot = h & idMask
            while true {
                let entry = idTable + Int(slot) * 24
                let position = u64(entry + 16)
                if position == 0 { return nil }
                if memcmp(base + entry, key.baseAddress!, 16) == 0 { return position }
                slot = (slot + 1) & idMask
            }
        }
    }

    /// Calls `body` with every stream id and its record.
    func forEachStream(_ body: (UnsafeRawBufferPointer, StreamRecord) -> Void) {
        for slot in 0...Int(streamMask) {
            let entry = streamTable + slot * 16
            let offset = Int(u64(entry + 8))
            if offset == 0 { continue }
            let idLength = Int(u32(offset))
            body(UnsafeRawBufferPointer(start: base + offset + 8, count: idLength),
                 StreamRecord(count: UInt64(u32(offset + 4)), positionsOffset: offset + 8 + idLength))
        }
    }

    func forEachEventID(_ body: (UnsafeRawBufferPointer, UInt64) -> Void) {
        for slot in 0...Int(idMask) {
            let entry = idTable + slot * 24
            let position = u64(entry + 16)
            if position != 0 { body(UnsafeRawBufferPointer(start: base + entry, count: 16), position) }
        }
    }

    /// Writes a new index file covering `index` (the old file merged with the in-memory part).
    static func write(_ index: StreamIndex, covered: LogHead, path: String, directory: String) throws(LogError) {
        let totalStreams = Int(index.streamCount)
        let totalIDs = Int(covered.position)
        let streamSlots = max(16, (totalStreams * 2).nextPowerOfTwo)
        let idSlots = max(16, (totalIDs * 2).nextPowerOfTwo)
        let streamTable = headerSize
        let idTable = streamTable + streamSlots * 16
        let recordsStart = idTable + idSlots * 24

        var records = ByteWriter(capacity: totalStreams * 40 + totalIDs * 8)
        var table = [UInt8](repeating: 0, count: recordsStart - headerSize)
        table.withUnsafeMutableBytes { t in
            let tb = t.baseAddress! - headerSize  // so that file offsets index it directly
            func put64(_ v: UInt64, _ o: Int) { tb.storeBytes(of: v.littleEndian, toByteOffset: o, as: UInt64.self) }
            func addStream(_ id: UnsafeRawBufferPointer, _ positions: (inout ByteWriter) -> Int) {
                let offset = recordsStart + records.count
                let countAt = records.count + 4
                records.append(UInt32(id.count))
                records.append(UInt32(0))
                records.appendRaw(id)
                let n = positions(&records)
                records.patch(UInt32(n), at: countAt)
                let h = IndexHashing.hash(id)
                var slot = Int(truncatingIfNeeded: h) & (streamSlots - 1)
                while tb.loadUnaligned(fromByteOffset: streamTable + slot * 16 + 8, as: UInt64.self) != 0 {
                    slot = (slot + 1) & (streamSlots - 1)
                }
                put64(h, streamTable + slot * 16)
                put64(UInt64(offset), streamTable + slot * 16 + 8)
            }
            func addID(_ id: UnsafeRawBufferPointer, _ position: UInt64) {
                var slot = Int(truncatingIfNeeded: IndexHashing.hash(uuid: id)) & (idSlots - 1)
                while tb.loadUnaligned(fromByteOffset: idTable + slot * 24 + 16, as: UInt64.self) != 0 {
                    slot = (slot + 1) & (idSlots - 1)
                }
                (tb + idTable + slot * 24).copyMemory(from: id.baseAddress!, byteCount: 16)
                put64(position, idTable + slot * 24 + 16)
            }
            if let file = index.file {
                file.forEachStream { id, record in
                    let extra = index.delta[String(decoding: id, as: UTF8.self)]
                    addStream(id) { w in
                        for i in 0..<record.count { w.append(file.position(record, at: i)) }
                        for p in extra?.positions ?? [] { w.append(p) }
                        return Int(record.count) + (extra?.positions.count ?? 0)
                    }
                }
                file.forEachEventID(addID)
            }
            for (stream, entry) in index.delta where entry.baseCount == 0 {
                var s = stream
                s.withUTF8 { utf8 in
                    addStream(UnsafeRawBufferPointer(utf8)) { w in
                        for p in entry.positions { w.append(p) }
                        return entry.positions.count
                    }
                }
            }
            for (id, position) in index.ids {
                withUnsafeBytes(of: id.uuid) { addID($0, position) }
            }
        }
        let fileLength = recordsStart + records.count
        var header = ByteWriter(capacity: headerSize)
        header.appendRaw(magic)
        header.append(UInt32(1))
        header.append(UInt32(0))  // body CRC, patched below
        header.append(covered.position)
        header.appendRaw(covered.hash.bytes)
        header.append(UInt64(totalStreams))
        header.append(UInt64(streamSlots))
        header.append(UInt64(streamTable))
        header.append(UInt64(idSlots))
        header.append(UInt64(idTable))
        header.append(UInt64(recordsStart))
        header.append(UInt64(fileLength))
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

extension Int {
    var nextPowerOfTwo: Int {
        var v = 1
        while v < self { v <<= 1 }
        return v
    }
}
