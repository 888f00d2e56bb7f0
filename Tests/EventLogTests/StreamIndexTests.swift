import Foundation
import Testing
@testable import EventLog

/// The stream index: the in-memory table, the persisted file (version 3) and their merge, seen
/// through the log's stream reads, which must stay exact across closes, reopens and rebuilds.
@Suite("Stream index")
struct StreamIndexTests {
    /// Each stream's positions, in version order: what every read is compared with.
    typealias Model = [String: [UInt64]]

    /// Appends one event per listed stream (in that order), 500 appends per call, each with its
    /// exact expected version (a stream may occur twice in one call); records the positions.
    static func append(_ streams: [String], to log: EventLog, model: inout Model) async throws {
        var start = 0
        while start < streams.count {
            let chunk = streams[start..<min(start + 500, streams.count)]
            var expected: [String: UInt64] = [:]
            let appends = chunk.map { s -> StreamAppend in
                let version = expected[s] ?? UInt64(model[s]?.count ?? 0)
                expected[s] = version + 1
                return StreamAppend(stream: s, expectedVersion: .exact(version), events: [Fixture.event(s)])
            }
            let result = try await log.append(appends)
            for (s, p) in zip(chunk, result.positions) { model[s, default: []].append(p) }
            #expect(result.streamVersions == expected)
            start += 500
        }
    }

    /// `count` streams of 1, 2 or 5 events plus one of `longEvents`, interleaved.
    static func workload(streams count: Int, longEvents: Int, prefix: String, seed: UInt64) -> [String] {
        var names: [String] = []
        for i in 0..<count {
            let n = i % 10 == 0 ? 5 : i % 3 == 0 ? 2 : 1
            names.append(contentsOf: repeatElement("\(prefix)-\(i)", count: n))
        }
        names.append(contentsOf: repeatElement("\(prefix)-long", count: longEvents))
        var rng = SeededRandom(seed: seed)
        names.shuffle(using: &rng)
        return names
    }

    /// Every stream's version and positions, read forward and backward, equal the model; for
    /// long streams also windows from the middle.
    static func expectExact(_ log: EventLog, _ model: Model, absent: String = "no-such-stream") throws {
        #expect(log.streamVersion(absent) == 0)
        #expect(try log.readStream(absent).isEmpty)
        for (stream, positions) in model {
            #expect(log.streamVersion(stream) == UInt64(positions.count), "\(stream)")
            let forward = try log.readStream(stream)
            #expect(forward.map(\.position) == positions, "\(stream)")
            #expect(forward.map(\.streamVersion) == Array(1...UInt64(positions.count)))
            #expect(forward.allSatisfy { $0.stream == stream })
            let backward = try log.readStream(stream, direction: .backward, maxCount: 3)
            #expect(backward.map(\.position) == Array(positions.suffix(3).reversed()), "\(stream)")
            if positions.count > 100 {
                for from in [1, 2, 99, positions.count / 2, positions.count - 1, positions.count] {
                    let window = try log.readStream(stream, from: UInt64(from), maxCount: 50)
                    #expect(window.map(\.position) == Array(positions[(from - 1)..<min(from + 49, positions.count)]))
                    let back = try log.readStream(stream, from: UInt64(from), direction: .backward, maxCount: 50)
                    #expect(back.map(\.position) == Array(positions[max(0, from - 50)..<from].reversed()))
                }
            }
        }
    }

    static func indexPath(_ directory: String) -> String { directory + "/index/streams.idx" }

    static func open(_ directory: String) throws -> EventLog {
        try EventLog.open(directory: directory, options: Fixture.options(durability: .none))
    }

    // MARK: - Through the log

    @Test("given 20,000 streams of mixed lengths, when closed and reopened and appended to (old and new streams) and reopened again, then every stream reads back exactly")
    func manyStreamsSurviveReopenAndMerge() async throws {
        let dir = TemporaryDirectory("stream-index")
        defer { dir.remove() }
        var model: Model = [:]

        // Given: 20,000 streams in memory only.
        var log = try Self.open(dir.path)
        try await Self.append(Self.workload(streams: 20_000, longEvents: 3_000, prefix: "a", seed: 1), to: log, model: &model)
        try Self.expectExact(log, model)

        // When closed and reopened: everything comes from the index file.
        try log.close()
        #expect(FileManager.default.fileExists(atPath: Self.indexPath(dir.path)))
        log = try Self.open(dir.path)
        try Self.expectExact(log, model)

        // When old streams (with the long one) and new streams get events: file plus memory.
        var more = Array(model.keys.sorted().prefix(3_000)) + ["a-long", "a-long", "a-long"]
        more += Self.workload(streams: 2_000, longEvents: 500, prefix: "b", seed: 2)
        var rng = SeededRandom(seed: 3)
        more.shuffle(using: &rng)
        try await Self.append(more, to: log, model: &model)
        try Self.expectExact(log, model)

        // Then closing merges both into a new file that reads back exactly.
        try log.close()
        log = try Self.open(dir.path)
        try Self.expectExact(log, model)
        #expect(try log.statistics().streams == UInt64(model.count))
        try log.close()
    }

    @Test("given a persisted index, when it is damaged or truncated, then open rebuilds it and every stream reads back exactly", arguments: [
        "magic", "stream count", "bucket table", "keys", "records", "truncated to the header", "truncated by one byte", "empty",
    ])
    func damagedIndexIsRebuilt(_ damage: String) async throws {
        let dir = TemporaryDirectory("stream-index-damaged")
        defer { dir.remove() }
        var model: Model = [:]
        var log = try Self.open(dir.path)
        try await Self.append(Self.workload(streams: 1_500, longEvents: 300, prefix: "d", seed: 4), to: log, model: &model)
        try log.close()

        // When: one kind of damage.
        let path = Self.indexPath(dir.path)
        var bytes = try Files.read(path)
        let bucketBits = Int(bytes[64])
        let keysStart = 128 + ((1 << bucketBits) + 1) * 8
        let recordsStart = keysStart + model.count * ((64 - bucketBits + 7) / 8 + 4)
        switch damage {
        case "magic": bytes[7] ^= 0x01
        case "stream count": bytes[57] ^= 0x10
        case "bucket table": bytes[128 + 8 * 5 + 1] ^= 0x40
        case "keys": bytes[keysStart + 17] ^= 0x04
        case "records": bytes[recordsStart + (bytes.count - recordsStart) / 2] ^= 0x80
        case "truncated to the header": bytes.removeLast(bytes.count - 128)
        case "truncated by one byte": bytes.removeLast()
        default: bytes = []
        }
        try Files.write(bytes, to: path)
        #expect(throws: LogError.self) { try StreamIndexFile.open(path: path) }

        // Then the open ignores the file and reads are exact; closing writes a good one again.
        log = try Self.open(dir.path)
        try Self.expectExact(log, model)
        try log.close()
        log = try Self.open(dir.path)
        try Self.expectExact(log, model)
        try log.close()
    }

    @Test("given an empty log, when closed and reopened, then no stream exists")
    func emptyLog() throws {
        let dir = TemporaryDirectory("stream-index-empty")
        defer { dir.remove() }
        var log = try Self.open(dir.path)
        try Self.expectExact(log, [:])
        try log.close()
        log = try Self.open(dir.path)
        try Self.expectExact(log, [:])
        #expect(try log.statistics().streams == 0)
        try log.close()
    }

    @Test("given a single stream, when closed, reopened and appended to, then it reads back exactly")
    func singleStream() async throws {
        let dir = TemporaryDirectory("stream-index-single")
        defer { dir.remove() }
        var model: Model = [:]
        var log = try Self.open(dir.path)
        try await Self.append(Array(repeating: "only", count: 7), to: log, model: &model)
        try log.close()
        log = try Self.open(dir.path)
        try Self.expectExact(log, model)
        try await Self.append(["only", "only"], to: log, model: &model)
        try log.close()
        log = try Self.open(dir.path)
        try Self.expectExact(log, model)
        try log.close()
    }

    // MARK: - The parts directly

    @Test("given a keyed table, when it grows past several resizes, then every key keeps its value and absent keys miss")
    func keyedTableGrows() {
        var table = KeyedTable<UInt64>()
        // Keys sharing slot bits or the whole hash must stay apart.
        let keys = (0..<100_000).map { IndexHashing.key("k\($0)") }
            + [IndexHashing.Key(hash: 42, check: 1), IndexHashing.Key(hash: 42, check: 2),
               IndexHashing.Key(hash: 42 | 1 << 40, check: 1)]
        for (i, key) in keys.enumerated() {
            #expect(table.insert(key, UInt64(i)).inserted)
        }
        #expect(table.count == keys.count)
        #expect(!table.insert(keys[7], 0).inserted)
        table.set(keys[8], 1_000_000)
        for (i, key) in keys.enumerated() where i != 8 {
            #expect(table.value(for: key) == UInt64(i))
        }
        #expect(table.value(for: keys[8]) == 1_000_000)
        #expect(table.value(for: IndexHashing.key("absent")) == nil)
        #expect(table.value(for: IndexHashing.Key(hash: 42, check: 3)) == nil)
    }

    @Test("given an in-memory index, when a snapshot is taken and the index is recorded into further, then the snapshot is unchanged")
    func snapshotIsUnchangedByLaterRecords() {
        var index = StreamIndex(file: nil)
        var model: [String: [UInt64]] = [:]
        var position: UInt64 = 0
        for i in 0..<30_000 {
            let stream = "s\(i % 9_000)"
            position += 1
            index.record(key: IndexHashing.key(stream), position: position)
            model[stream, default: []].append(position)
        }
        let snapshot = index
        for i in 0..<30_000 {
            position += 1
            index.record(key: IndexHashing.key("s\(i % 12_000)"), position: position)
        }
        #expect(snapshot.inMemoryEvents == 30_000)
        #expect(snapshot.streamCount == 9_000)
        #expect(index.streamCount == 12_000)
        for (stream, positions) in model {
            #expect(snapshot.version(of: stream) == UInt64(positions.count))
            #expect(snapshot.positions(of: stream, from: 1, through: .max) == positions)
            #expect(snapshot.positions(of: stream, from: 2, through: 3) == Array(positions[1..<min(3, positions.count)]))
        }
        #expect(index.version(of: "s0") > snapshot.version(of: "s0"))
    }

    @Test("given streams whose keys share buckets or hashes, when written to an index file and merged again, then each reads its own positions")
    func fileKeepsNeighbouringKeysApart() throws {
        let dir = TemporaryDirectory("stream-index-file")
        defer { dir.remove() }
        let path = dir.sub("streams.idx")
        var keys = (0..<5_000).map { IndexHashing.key("f\($0)") }
        keys += [IndexHashing.Key(hash: 1, check: 9), IndexHashing.Key(hash: 1, check: 8), IndexHashing.Key(hash: .max, check: 0),
                 IndexHashing.Key(hash: .max - 1, check: .max), IndexHashing.Key(hash: 1 << 63, check: 5)]
        var index = StreamIndex(file: nil)
        var expected: [IndexHashing.Key: [UInt64]] = [:]
        var position: UInt64 = 0
        for round in 0..<3 {
            for (i, key) in keys.enumerated() where i % (round + 1) == 0 {
                position += 1 + UInt64(i % 300)
                index.record(key: key, position: position)
                expected[key, default: []].append(position)
            }
            // Written and reopened each round: round 0 from memory, later rounds merge.
            let head = LogHead(position: position, hash: .zero)
            try StreamIndexFile.write(index, covered: head, path: path, directory: dir.path)
            let file = try #require(try StreamIndexFile.open(path: path))
            #expect(file.streamCount == UInt64(keys.count))
            index = StreamIndex(file: file)
            for (key, positions) in expected {
                #expect(index.version(of: key) == UInt64(positions.count))
                #expect(index.positions(of: key, from: 1, through: .max) == positions)
            }
            #expect(index.version(of: IndexHashing.Key(hash: 1, check: 7)) == 0)
        }
    }

    // MARK: - Checkpoints

    /// Records one event per listed stream name (in order) from `position` on, into `index`
    /// and `model`.
    static func record(_ streams: [String], into index: inout StreamIndex, model: inout Model, position: inout UInt64) {
        for s in streams {
            position += 1
            index.record(key: IndexHashing.key(s), position: position)
            model[s, default: []].append(position)
        }
    }

    /// The index itself (not the log's reads, which rebuild a wrong index) agrees with `model`.
    static func expectIndex(_ index: StreamIndex, _ model: Model) {
        #expect(index.streamCount == UInt64(model.count))
        for (stream, positions) in model {
            #expect(index.version(of: stream) == UInt64(positions.count), "\(stream)")
            #expect(index.positions(of: stream, from: 1, through: .max) == positions, "\(stream)")
        }
    }

    @Test("given an index file and later events, when merged into a new file, then it is byte for byte the file built from every position at once, also when the streams outgrow the file's bucket table")
    func mergedFileEqualsFileBuiltAtOnce() throws {
        let dir = TemporaryDirectory("stream-index-merge")
        defer { dir.remove() }
        let path = dir.sub("streams.idx")
        var index = StreamIndex(file: nil)
        var model: Model = [:]
        var position: UInt64 = 0
        // Rounds of new streams (more each round: 0, then 2, 4, ... bucket bits) and of events
        // of streams already in the file, the long one among them.
        for (round, newStreams) in [40, 100, 700, 3_000, 9_000].enumerated() {
            var names = Self.workload(streams: newStreams, longEvents: 20, prefix: "r\(round)", seed: UInt64(round))
            names += model.keys.sorted().enumerated().filter { $0.offset % 4 == round % 4 }.map(\.element)
            var rng = SeededRandom(seed: 100 + UInt64(round))
            names.shuffle(using: &rng)
            Self.record(names, into: &index, model: &model, position: &position)
            let head = LogHead(position: position, hash: ChainHash(unchecked: [UInt8](repeating: UInt8(round), count: 32)))
            let merged = try IndexFileStreamingTests.streamed(in: dir, "merged.idx") { fd, tmp throws(LogError) in
                try StreamIndexFile.write(index, covered: head, fd: fd, path: tmp)
            }

            // Then: the file of every event in position order, in memory, has the same bytes.
            var atOnce = StreamIndex(file: nil)
            var byPosition: [(UInt64, String)] = []
            for (stream, positions) in model { byPosition += positions.map { ($0, stream) } }
            for (p, stream) in byPosition.sorted(by: { $0.0 < $1.0 }) { atOnce.record(key: IndexHashing.key(stream), position: p) }
            let built = try IndexFileStreamingTests.streamed(in: dir, "at-once.idx") { fd, tmp throws(LogError) in
                try StreamIndexFile.write(atOnce, covered: head, fd: fd, path: tmp)
            }
            #expect(built == merged, "round \(round)")

            try FileIO.writeFileAtomically(path, directory: dir.path, bytes: merged)
            index = StreamIndex(file: try #require(try StreamIndexFile.open(path: path)))
            Self.expectIndex(index, model)
        }
    }

    @Test("given a copy of the index saved to a file while further events were recorded, when the file is adopted, then every stream reads the same, only the later events stay in memory, and the next file merged from it is exact")
    func rebasedIndexKeepsLaterEvents() throws {
        let dir = TemporaryDirectory("stream-index-rebase")
        defer { dir.remove() }
        let path = dir.sub("streams.idx")
        var model: Model = [:]
        var position: UInt64 = 0
        var index = StreamIndex(file: nil)
        Self.record(Self.workload(streams: 2_000, longEvents: 300, prefix: "a", seed: 1), into: &index, model: &model, position: &position)
        try StreamIndexFile.write(index, covered: LogHead(position: position, hash: .zero), path: path, directory: dir.path)
        index = StreamIndex(file: try #require(try StreamIndexFile.open(path: path)))

        // Given: a copy taken with events in memory (old and new streams), saved while the
        // index records more (streams of the file, of the copy's memory, and new ones).
        var first = Array(model.keys.sorted().prefix(500)) + Self.workload(streams: 800, longEvents: 50, prefix: "b", seed: 2)
        var rng = SeededRandom(seed: 3)
        first.shuffle(using: &rng)
        Self.record(first, into: &index, model: &model, position: &position)
        let copy = index
        let copyHead = LogHead(position: position, hash: .zero)
        var later = Array(model.keys.sorted().suffix(700)) + Self.workload(streams: 300, longEvents: 40, prefix: "c", seed: 4)
        later.shuffle(using: &rng)
        Self.record(later, into: &index, model: &model, position: &position)
        try StreamIndexFile.write(copy, covered: copyHead, path: path, directory: dir.path)
        let saved = try #require(try StreamIndexFile.open(path: path))

        // When the file is adopted.
        let rebased = index.rebased(onto: saved, coveredEvents: copy.inMemoryEvents)

        // Then.
        #expect(rebased.coveredPosition == copyHead.position)
        #expect(rebased.inMemoryEvents == later.count)
        #expect(rebased.lastRecordedPosition == position)
        Self.expectIndex(rebased, model)
        Self.expectIndex(index, model)
        // And it records and saves on as before.
        var next = rebased
        Self.record(["a-long", "c-long", "d-new"], into: &next, model: &model, position: &position)
        try StreamIndexFile.write(next, covered: LogHead(position: position, hash: .zero), path: path, directory: dir.path)
        Self.expectIndex(StreamIndex(file: try #require(try StreamIndexFile.open(path: path))), model)
    }

    @Test("given a writer that checkpoints its index every 300 events while appends go on, then the index stays exact throughout, a copy taken without a close (as after a crash) reopens exact, and so does the log after close")
    func checkpointsWhileAppending() async throws {
        let dir = TemporaryDirectory("stream-index-checkpoints")
        defer { dir.remove() }
        let directory = dir.sub("log")
        var options = Fixture.options(durability: .none)
        options.indexCheckpointEvents = 300
        let log = try EventLog.open(directory: directory, options: options)
        var model: Model = [:]
        var names = Self.workload(streams: 1_500, longEvents: 400, prefix: "a", seed: 7)
        names += Self.workload(streams: 1_500, longEvents: 400, prefix: "a", seed: 8)
        for start in stride(from: 0, to: names.count, by: 250) {
            try await Self.append(Array(names[start..<min(start + 250, names.count)]), to: log, model: &model)
            Self.expectIndex(log.state.withLock { $0.index }, model)
        }
        log.waitForIndexCheckpoint()
        let file = try #require(try StreamIndexFile.open(path: Self.indexPath(directory)))
        #expect(file.coveredPosition >= 300 && file.coveredPosition <= log.head().position)
        // The next commit adopts the saved file: only the events after it stay in memory.
        try await Self.append(["a-long", "z-new"], to: log, model: &model)
        let index = log.state.withLock { $0.index }
        #expect(index.coveredPosition == file.coveredPosition)
        #expect(index.inMemoryEvents == Int(log.head().position - file.coveredPosition))
        Self.expectIndex(index, model)
        // The files as a crash would leave them: copied while the writer is open, never closed.
        let crashed = dir.sub("crashed")
        try Files.copyDirectory(directory, to: crashed)
        try log.close()

        for path in [crashed, directory] {
            let reopened = try EventLog.open(directory: path, options: .init(verifyInBackground: false))
            Self.expectIndex(reopened.state.withLock { $0.index }, model)
            #expect(reopened.verify().isIntact)
            try Self.expectExact(reopened, model)
            try reopened.close()
        }
    }
}
