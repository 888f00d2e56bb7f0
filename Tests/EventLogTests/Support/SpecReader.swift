import CCRC32C
import CLZ4
import Foundation

/// Reads a log directory from Sources/EventLog/FORMAT.md alone (with liblz4, CRC-32C and a local
/// SHA-256), independent of the engine's code: checks every header field and checksum it can,
/// decodes every event and recomputes the hash chain.
struct SpecReader {
    struct Event: Equatable {
        var position: UInt64
        var id: UUID
        var streamVersion: UInt64
        var recordedAt: Int64
        var schemaVersion: UInt64
        var stream: String
        var type: String
        var metadata: [(String, String)]
        var payload: [UInt8]

        static func == (a: Event, b: Event) -> Bool {
            a.position == b.position && a.id == b.id && a.streamVersion == b.streamVersion && a.recordedAt == b.recordedAt
                && a.schemaVersion == b.schemaVersion && a.stream == b.stream && a.type == b.type
                && a.metadata.map(\.0) == b.metadata.map(\.0) && a.metadata.map(\.1) == b.metadata.map(\.1) && a.payload == b.payload
        }
    }

    struct Problem: Error, CustomStringConvertible { let description: String }

    var events: [Event] = []
    /// The head after each batch: (last position, chain hash).
    var commitHeads: [(UInt64, [UInt8])] = []
    var dictionaries = 0
    var multiBlockBatches = 0

    static func crc(_ bytes: ArraySlice<UInt8>, _ start: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { fabriek_crc32c(start, $0.baseAddress, $0.count) }
    }

    init(directory: String) throws {
        var running = [UInt8](repeating: 0, count: 32)
        var next: UInt64 = 1
        func check(_ ok: Bool, _ what: @autoclosure () -> String) throws { if !ok { throw Problem(description: what()) } }

        for (i, path) in try SegmentLayout.segmentPaths(ofLog: directory).enumerated() {
            let b = try Files.read(path)
            let name = URL(fileURLWithPath: path).lastPathComponent
            try check(Array(b[0..<8]) == Array("FABRIEKS".utf8), "\(name): magic")
            try check(b.u16(8) == 2 && b.u16(10) == 64, "\(name): version/header size")
            try check(b.u32(12) == UInt32(i + 1), "\(name): segment number \(b.u32(12))")
            try check(b.u64(16) == next, "\(name): first position \(b.u64(16)), expected \(next)")
            try check(Array(b[24..<56]) == running, "\(name): header hash does not continue the chain")
            try check(b.u32(56) == 0, "\(name): reserved bytes")
            try check(Self.crc(b[0..<60]) == b.u32(60), "\(name): header CRC")
            var dictionary: [UInt8] = []
            var dictionaryOffset = 0
            var offset = 64
            while offset < b.count {
                let magic = String(decoding: b[offset..<offset + 4], as: UTF8.self)
                if magic == "DICT" {
                    let length = Int(b.u32(offset + 4))
                    try check(length <= 65_536, "\(name)@\(offset): dictionary longer than 64 KiB")
                    let crc = Self.crc(b[offset + 12..<offset + 12 + length], Self.crc(b[offset..<offset + 8]))
                    try check(crc == b.u32(offset + 8), "\(name)@\(offset): dictionary CRC")
                    dictionary = Array(b[offset + 12..<offset + 12 + length])
                    dictionaryOffset = offset
                    dictionaries += 1
                    offset += 12 + length
                    continue
                }
                try check(magic == "BTCH", "\(name)@\(offset): unknown record \(magic)")
                try check(b.u16(offset + 4) == 2, "\(name)@\(offset): batch version")
                let blocks = Int(b.u16(offset + 6))
                let first = b.u64(offset + 8)
                let count = Int(b.u32(offset + 16))
                let bodyLength = Int(b.u32(offset + 20))
                let firstTime = Int64(bitPattern: b.u64(offset + 24))
                let lastTime = Int64(bitPattern: b.u64(offset + 32))
                let end = offset + 84 + bodyLength
                try check(first == next, "\(name)@\(offset): first position \(first), expected \(next)")
                try check(Int(b.u32(offset + 40)) == dictionaryOffset, "\(name)@\(offset): dictionary offset \(b.u32(offset + 40)), in force \(dictionaryOffset)")
                try check(Array(b[offset + 48..<offset + 80]) == running, "\(name)@\(offset): previous hash")
                try check(Self.crc(b[offset + 84..<end], Self.crc(b[offset..<offset + 80])) == b.u32(offset + 80), "\(name)@\(offset): batch CRC")
                if blocks > 1 { multiBlockBatches += 1 }

                var content: [UInt8] = []
                // Block table: three varints per block.
                var t = offset + 84
                func tableVarint() throws -> Int {
                    var value = 0
                    var shift = 0
                    while true {
                        try check(t < end && shift < 35, "\(name)@\(offset): block table past the body")
                        let byte = b[t]
                        t += 1
                        value |= Int(byte & 0x7F) << shift
                        if byte & 0x80 == 0 { return value }
                        shift += 7
                    }
                }
                var table: [(events: Int, stored: Int, raw: Int)] = []
                for _ in 0..<blocks { table.append((try tableVarint(), try tableVarint(), try tableVarint())) }
                var data = t
                var eventsInBlocks = 0
                var blockEvents: [Int] = []
                var blockEnds: [Int] = []
                for k in 0..<blocks {
                    eventsInBlocks += table[k].events
                    blockEvents.append(table[k].events)
                    let stored = table[k].stored
                    let raw = table[k].raw
                    var out = [UInt8](repeating: 0, count: raw)
                    let src = Array(b[data..<data + stored])
                    let n = src.withUnsafeBytes { s in
                        out.withUnsafeMutableBytes { d in
                            dictionary.withUnsafeBytes { di in
                                LZ4_decompress_safe_usingDict(s.baseAddress!.assumingMemoryBound(to: CChar.self),
                                                              d.baseAddress!.assumingMemoryBound(to: CChar.self),
                                                              Int32(stored), Int32(raw),
                                                              di.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(di.count))
                            }
                        }
                    }
                    try check(Int(n) == raw, "\(name)@\(offset): block \(k) does not decode")
                    content += out
                    blockEnds.append(content.count)
                    data += stored
                }
                try check(data == end, "\(name)@\(offset): blocks do not fill the body")
                try check(eventsInBlocks == count, "\(name)@\(offset): block event counts")
                try check(content.count == Int(b.u32(offset + 44)), "\(name)@\(offset): uncompressed length")

                var r = 0
                func varint() throws -> UInt64 {
                    var value: UInt64 = 0
                    var shift: UInt64 = 0
                    while true {
                        try check(r < content.count && shift < 64, "\(name)@\(offset): varint past the content")
                        let byte = content[r]
                        r += 1
                        value |= UInt64(byte & 0x7F) << shift
                        if byte & 0x80 == 0 { return value }
                        shift += 7
                    }
                }
                func bytes() throws -> [UInt8] {
                    let n = Int(try varint())
                    try check(r + n <= content.count, "\(name)@\(offset): string past the content")
                    defer { r += n }
                    return Array(content[r..<r + n])
                }
                // Blocks: a type table, the ids of the block's events, then one row per event.
                var e = 0
                for (k, inBlock) in blockEvents.enumerated() {
                    let types = try (0..<Int(try varint())).map { _ in String(decoding: try bytes(), as: UTF8.self) }
                    try check(!types.isEmpty && types.count <= inBlock, "\(name)@\(offset): block \(k) type table")
                    let idStart = r
                    r += 16 * inBlock
                    try check(r <= blockEnds[k], "\(name)@\(offset): event ids past the block")
                    for i in 0..<inBlock {
                        let p = idStart + 16 * i
                        let id = UUID(uuid: (content[p], content[p + 1], content[p + 2], content[p + 3], content[p + 4], content[p + 5],
                                             content[p + 6], content[p + 7], content[p + 8], content[p + 9], content[p + 10], content[p + 11],
                                             content[p + 12], content[p + 13], content[p + 14], content[p + 15]))
                        let typeIndex = Int(try varint())
                        try check(typeIndex < types.count, "\(name)@\(offset): type index")
                        let type = types[typeIndex]
                        let version = try varint()
                        let delta = try varint()
                        let schema = try varint()
                        let stream = String(decoding: try bytes(), as: UTF8.self)
                        var metadata: [(String, String)] = []
                        var keys: [[UInt8]] = []
                        for _ in 0..<(try varint()) {
                            let key = try bytes()
                            keys.append(key)
                            metadata.append((String(decoding: key, as: UTF8.self), String(decoding: try bytes(), as: UTF8.self)))
                        }
                        try check(keys == keys.sorted { $0.lexicographicallyPrecedes($1) }, "\(name)@\(offset): metadata keys not sorted")
                        let payload = try bytes()
                        let time = firstTime + Int64(delta)
                        if e == 0 { try check(delta == 0, "\(name)@\(offset): first event's time delta") }
                        if e == count - 1 { try check(time == lastTime, "\(name)@\(offset): last recorded-at") }
                        events.append(Event(position: first + UInt64(e), id: id, streamVersion: version, recordedAt: time,
                                            schemaVersion: schema, stream: stream, type: type, metadata: metadata, payload: payload))
                        e += 1
                    }
                    try check(r == blockEnds[k], "\(name)@\(offset): block \(k) longer than its events")
                }
                try check(r == content.count, "\(name)@\(offset): content longer than its events")

                var hasher = SHA256Digest()
                hasher.update(running)
                hasher.update((0..<8).map { UInt8(truncatingIfNeeded: first >> (8 * UInt64($0))) })
                hasher.update((0..<4).map { UInt8(truncatingIfNeeded: UInt32(count) >> (8 * UInt32($0))) })
                hasher.update((0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: firstTime) >> (8 * UInt64($0))) })
                hasher.update(content)
                running = hasher.finalize()
                next = first + UInt64(count)
                commitHeads.append((next - 1, running))
                offset = end
            }
        }
    }
}
