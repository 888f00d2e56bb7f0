import CCRC32C
import Foundation
import Testing
@testable import EventLog

/// The index files written straight to their temporary file (`SectionWriter`, bounded memory)
/// are byte for byte the files the in-memory encoders wrote (`ReferenceIndexEncoders.swift`),
/// with and without an old file to merge, across the layout changes (bucket bits, the event-id
/// file's granules past 2^20 events), whatever the buffer size.
@Suite("Index files written in bounded memory")
struct IndexFileStreamingTests {
    typealias Model = [String: [UInt64]]

    /// The bytes `write` puts into a fresh file.
    static func streamed(in dir: TemporaryDirectory, _ name: String,
                         _ write: (Int32, String) throws(LogError) -> Void) throws -> [UInt8] {
        let path = dir.sub(name)
        try FileIO.writeFileAtomically(path, directory: dir.path, write: write)
        return try Files.read(path)
    }

    static func fingerprints(_ count: Int, seed: UInt64) -> [UInt32] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: IndexHashing.mix(state) >> 32)
        }
    }

    @Test("given two byte strings, when their CRC-32Cs are combined, then the result is the CRC-32C of the two concatenated")
    func crcCombine() {
        var rng = SeededRandom(seed: 7)
        for (a, b) in [(0, 0), (0, 5), (5, 0), (1, 1), (3, 1_000), (4_096, 17), (100_000, 65_537)] {
            let first = rng.bytes(a), second = rng.bytes(b)
            let whole = (first + second).withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
            let crcA = first.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
            let crcB = second.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
            #expect(CRC32C.combine(crcA, crcB, secondLength: b) == whole, "\(a) + \(b)")
        }
    }

    @Test("given event-id index files of several sizes, merged with later fingerprints, when written in bounded memory, then the bytes are the in-memory encoder's, across bucket-bit and granule changes, with a tiny buffer too, and every position is found",
          arguments: [(0, 1), (0, 15), (0, 300), (7, 0), (200, 50), (100, 60_000), (5_000, 3_000),
                      (1 << 19, 300), ((1 << 20) - 100, 300), ((1 << 20) - 1, 1)])
    func eventIDFileMatchesInMemoryEncoding(oldCount: Int, newCount: Int) throws {
        let dir = TemporaryDirectory("ids-streamed")
        defer { dir.remove() }
        let first = Self.fingerprints(oldCount, seed: UInt64(oldCount) &+ 1)
        let more = Self.fingerprints(newCount, seed: UInt64(newCount) &+ 99)
        let hash = ChainHash(unchecked: [UInt8](repeating: 5, count: 32))

        var old: EventIDIndexFile?
        if oldCount > 0 {
            let head = LogHead(position: UInt64(oldCount), hash: hash)
            let bytes = try Self.streamed(in: dir, "old.idx") { fd, tmp throws(LogError) in
                try EventIDIndexFile.write(file: nil, base: 0, fingerprints: first, covered: head, fd: fd, path: tmp)
            }
            #expect(bytes == (try EventIDIndexFile.referenceEncode(file: nil, base: 0, fingerprints: first, covered: head)))
            old = try #require(try EventIDIndexFile.open(path: dir.sub("old.idx")))
        }
        let head = LogHead(position: UInt64(oldCount + newCount), hash: hash)
        let reference = try EventIDIndexFile.referenceEncode(file: old, base: UInt64(oldCount), fingerprints: more, covered: head)
        for (name, drops, buffer) in [("a.idx", true, SectionWriter.defaultBufferSize), ("b.idx", false, 64)] {
            let bytes = try Self.streamed(in: dir, name) { fd, tmp throws(LogError) in
                try EventIDIndexFile.write(file: old, base: UInt64(oldCount), fingerprints: more, covered: head, fd: fd, path: tmp,
                                           dropsOldPages: drops, bufferSize: buffer)
            }
            #expect(bytes == reference, "\(name): \(bytes.count) bytes against \(reference.count)")
        }
        let merged = try #require(try EventIDIndexFile.open(path: dir.sub("a.idx")))
        for (i, fp) in (first + more).enumerated() where i % 97 == 0 || i >= oldCount + newCount - 50 {
            let position = UInt64(i + 1)
            #expect(merged.firstPosition(fingerprint: fp >> 4) { $0.contains(position) ? position : nil } == position)
        }
    }

    @Test("given a stream index with rounds of new streams and later events of old ones, when each round is written in bounded memory over the last round's file, then the bytes are the in-memory encoder's, also with a tiny buffer, and every stream reads its positions")
    func streamIndexFileMatchesInMemoryEncoding() throws {
        let dir = TemporaryDirectory("streams-streamed")
        defer { dir.remove() }
        var index = StreamIndex(file: nil)
        var model: Model = [:]
        var position: UInt64 = 0
        // 0, then 2, 4, ... bucket bits; a long stream; streams of the file extended each round.
        for (round, newStreams) in [40, 100, 700, 3_000, 9_000, 40_000].enumerated() {
            var names = StreamIndexTests.workload(streams: newStreams, longEvents: 30_000 * (round % 2),
                                                  prefix: "r\(round)", seed: UInt64(round))
            names += model.keys.sorted().enumerated().filter { $0.offset % 3 == round % 3 }.map(\.element)
            var rng = SeededRandom(seed: 100 + UInt64(round))
            names.shuffle(using: &rng)
            StreamIndexTests.record(names, into: &index, model: &model, position: &position)
            let head = LogHead(position: position, hash: ChainHash(unchecked: [UInt8](repeating: UInt8(round), count: 32)))
            let reference = try StreamIndexFile.referenceEncode(index, covered: head)
            for (name, drops, buffer) in [("a.idx", true, SectionWriter.defaultBufferSize), ("b.idx", false, 64)] {
                let bytes = try Self.streamed(in: dir, name) { fd, tmp throws(LogError) in
                    try StreamIndexFile.write(index, covered: head, fd: fd, path: tmp, dropsOldPages: drops, bufferSize: buffer)
                }
                #expect(bytes == reference, "round \(round), \(name): \(bytes.count) bytes against \(reference.count)")
            }
            try FileIO.writeFileAtomically(dir.sub("streams.idx"), directory: dir.path, bytes: Files.read(dir.sub("a.idx")))
            index = StreamIndex(file: try #require(try StreamIndexFile.open(path: dir.sub("streams.idx"))))
            StreamIndexTests.expectIndex(index, model)
        }
    }

    @Test("given a fixed index of each kind, when written in bounded memory, then the files have the checksums the in-memory encoders gave them (golden, so that the reference encoders cannot drift either)")
    func goldenChecksums() throws {
        let dir = TemporaryDirectory("index-golden")
        defer { dir.remove() }
        let hash = ChainHash(unchecked: (0..<32).map { UInt8($0) })
        let fps = Self.fingerprints(70_000, seed: 42)
        let head = LogHead(position: 50_000, hash: hash)
        _ = try Self.streamed(in: dir, "old.idx") { fd, tmp throws(LogError) in
            try EventIDIndexFile.write(file: nil, base: 0, fingerprints: Array(fps[..<50_000]), covered: head, fd: fd, path: tmp)
        }
        let old = try #require(try EventIDIndexFile.open(path: dir.sub("old.idx")))
        let ids = try Self.streamed(in: dir, "ids.idx") { fd, tmp throws(LogError) in
            try EventIDIndexFile.write(file: old, base: 50_000, fingerprints: Array(fps[50_000...]),
                                       covered: LogHead(position: 70_000, hash: hash), fd: fd, path: tmp)
        }

        var index = StreamIndex(file: nil)
        var model: Model = [:]
        var position: UInt64 = 0
        StreamIndexTests.record(StreamIndexTests.workload(streams: 5_000, longEvents: 500, prefix: "g", seed: 9),
                                into: &index, model: &model, position: &position)
        _ = try Self.streamed(in: dir, "streams-old.idx") { fd, tmp throws(LogError) in
            try StreamIndexFile.write(index, covered: LogHead(position: position, hash: hash), fd: fd, path: tmp)
        }
        index = StreamIndex(file: try #require(try StreamIndexFile.open(path: dir.sub("streams-old.idx"))))
        StreamIndexTests.record(StreamIndexTests.workload(streams: 20_000, longEvents: 100, prefix: "h", seed: 10)
                                    + model.keys.sorted().prefix(2_000),
                                into: &index, model: &model, position: &position)
        let streams = try Self.streamed(in: dir, "streams.idx") { fd, tmp throws(LogError) in
            try StreamIndexFile.write(index, covered: LogHead(position: position, hash: hash), fd: fd, path: tmp)
        }
        func crc(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) } }
        #expect(ids == (try EventIDIndexFile.referenceEncode(file: old, base: 50_000, fingerprints: Array(fps[50_000...]),
                                                             covered: LogHead(position: 70_000, hash: hash))))
        #expect(streams == (try StreamIndexFile.referenceEncode(index, covered: LogHead(position: position, hash: hash))))
        // What the in-memory encoders of main at 2f18fdb wrote.
        #expect(ids.count == 312_900 && crc(ids) == 3_703_165_094, "ids: \(ids.count) bytes, CRC \(crc(ids))")
        #expect(streams.count == 399_580 && crc(streams) == 4_173_482_785, "streams: \(streams.count) bytes, CRC \(crc(streams))")
    }
}

/// Pages of the old file resident in this process while a merge reads it: through the mapping's
/// own `Rss` in /proc/self/smaps (other tests running meanwhile do not count there).
@Suite("Index files merged without keeping the old file resident")
struct IndexFileResidencyTests {
    /// Resident bytes of the mapping that starts at `base`; nil when not found.
    static func residentBytes(ofMappingAt base: UnsafeRawPointer) -> Int? {
        // Read to the end: /proc files report a size of 0.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps"),
              let data = try? handle.readToEnd() else { return nil }
        try? handle.close()
        let smaps = String(decoding: data, as: UTF8.self)
        let start = String(UInt(bitPattern: base), radix: 16)
        var inside = false
        for line in smaps.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), line[..<dash].allSatisfy(\.isHexDigit), !line.hasSuffix(":") {
                inside = line[..<dash].drop(while: { $0 == "0" }) == start.drop(while: { $0 == "0" })
            } else if inside && line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ")[1]).map { $0 * 1024 }
            }
        }
        return nil
    }

    @Test("given an event-id index file of 2^21 events not resident, when it is merged into a new file dropping its pages, then at no check does more than ~1.5 MiB of it become resident, while a merge that keeps them leaves the whole file resident")
    func eventIDMergeDropsOldPages() throws {
        let dir = TemporaryDirectory("ids-residency")
        defer { dir.remove() }
        let old = IndexFileStreamingTests.fingerprints(1 << 21, seed: 3)
        let hash = ChainHash(unchecked: [UInt8](repeating: 1, count: 32))
        try EventIDIndexFile.write(file: nil, base: 0, fingerprints: old, covered: LogHead(position: UInt64(old.count), hash: hash),
                                   path: dir.sub("old.idx"), directory: dir.path)
        let file = try #require(try EventIDIndexFile.open(path: dir.sub("old.idx")))
        let more = IndexFileStreamingTests.fingerprints(50_000, seed: 4)
        let head = LogHead(position: UInt64(old.count + more.count), hash: hash)
        let size = file.mapping.count
        #expect(size > 8 << 20)
        for drops in [true, false] {
            file.dropResidentPages()
            var checks = 0, most = 0
            _ = try IndexFileStreamingTests.streamed(in: dir, "new-\(drops).idx") { fd, tmp throws(LogError) in
                try EventIDIndexFile.write(file: file, base: UInt64(old.count), fingerprints: more, covered: head, fd: fd, path: tmp,
                                           dropsOldPages: drops) {
                    checks += 1
                    most = max(most, Self.residentBytes(ofMappingAt: file.mapping.baseAddress!) ?? .max)
                    return false
                }
            }
            let after = try #require(Self.residentBytes(ofMappingAt: file.mapping.baseAddress!))
            #expect(checks >= 8)
            if drops {
                #expect(most <= 3 << 19, "\(most) bytes resident during the merge")
                #expect(after == 0)
            } else {
                #expect(after >= size - 4096, "\(after) of \(size) bytes resident after a merge that keeps them")
            }
        }
    }

    @Test("given a stream index file of 600k streams not resident, when it is merged into a new file dropping its pages, then at no check does more than ~3 MiB of it become resident, while a merge that keeps them leaves the whole file resident")
    func streamIndexMergeDropsOldPages() throws {
        let dir = TemporaryDirectory("streams-residency")
        defer { dir.remove() }
        var index = StreamIndex(file: nil)
        var model: IndexFileStreamingTests.Model = [:]
        var position: UInt64 = 0
        StreamIndexTests.record(StreamIndexTests.workload(streams: 600_000, longEvents: 100, prefix: "s", seed: 5),
                                into: &index, model: &model, position: &position)
        try StreamIndexFile.write(index, covered: LogHead(position: position, hash: .zero), path: dir.sub("old.idx"), directory: dir.path)
        let file = try #require(try StreamIndexFile.open(path: dir.sub("old.idx")))
        #expect(file.length > 9 << 20)
        index = StreamIndex(file: file)
        StreamIndexTests.record(StreamIndexTests.workload(streams: 2_000, longEvents: 10, prefix: "t", seed: 6),
                                into: &index, model: &model, position: &position)
        let head = LogHead(position: position, hash: .zero)
        for drops in [true, false] {
            file.dropResidentPages()
            var checks = 0, most = 0
            _ = try IndexFileStreamingTests.streamed(in: dir, "new-\(drops).idx") { fd, tmp throws(LogError) in
                try StreamIndexFile.write(index, covered: head, fd: fd, path: tmp, dropsOldPages: drops) {
                    checks += 1
                    most = max(most, Self.residentBytes(ofMappingAt: file.base) ?? .max)
                    return false
                }
            }
            let after = try #require(Self.residentBytes(ofMappingAt: file.base))
            #expect(checks >= 2)
            if drops {
                // 1 MiB of keys and of records each before a drop, and the bucket table (~128 KB).
                #expect(most <= 3 << 20, "\(most) bytes resident during the merge")
                #expect(after == 0)
            } else {
                #expect(after >= file.length - 4096, "\(after) of \(file.length) bytes resident after a merge that keeps them")
            }
        }
        let merged = try #require(try StreamIndexFile.open(path: dir.sub("new-true.idx")))
        StreamIndexTests.expectIndex(StreamIndex(file: merged), model)
    }
}
