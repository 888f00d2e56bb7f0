import CCRC32C
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Entry points for the coverage-guided fuzzers (`tools/fabriek-fuzz`) and for the tests that
/// replay their corpora (Tests/EventLogTests/FuzzCorpusTests): each takes arbitrary bytes and
/// must return, whatever they hold, without a crash, a hang or an allocation out of proportion
/// to the input. Errors the log throws are the expected outcome for most inputs.
///
/// The first input byte holds flags; bit 0 set means "recompute the checksums" (record CRCs,
/// segment and index header CRCs) before reading, so that mutations reach the decoders behind
/// the checksums, as a forger with a hex editor would.
package enum LogFuzzTargets {
    /// A scratch directory of one fuzzing process (the segment and index targets write files).
    package final class Scratch: @unchecked Sendable {
        package let path: String
        /// A small valid log the index target pairs its index files with.
        private(set) var indexedLog: String?
        /// The stream names of `indexedLog`, looked up through each index file.
        static let streams = ["member-1", "tender-2", "bids-3", "member-4"]

        package init() {
            var template = Array((NSTemporaryDirectory() + "fabriek-fuzz-XXXXXX").utf8CString)
            path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Writes the log the index target uses, once, from async code: tests call this first, so
        /// that no cooperative thread blocks waiting for the appends (`logForIndex` below would
        /// block one, and with every cooperative thread blocked the appends never run).
        package func prepare() async throws {
            if indexedLog != nil { return }
            let dir = path + "/indexed"
            let log = try EventLog.open(directory: dir, options: .init(segmentSize: 4096, durability: .none, verifyInBackground: false))
            try await Self.appendRounds(log)
            try log.close()
            indexedLog = dir
        }

        /// Writes the log the index target uses, once, from synchronous code (the fuzz driver,
        /// whose thread is not one of the cooperative pool's).
        func logForIndex() throws -> String {
            if let indexedLog { return indexedLog }
            let dir = path + "/indexed"
            let log = try EventLog.open(directory: dir, options: .init(segmentSize: 4096, durability: .none, verifyInBackground: false))
            let done = DispatchSemaphore(value: 0)
            let failure = LockedError()
            Task.detached {
                do { try await Self.appendRounds(log) } catch { failure.error = error }
                done.signal()
            }
            done.wait()
            if let error = failure.error { throw error }
            try log.close()
            indexedLog = dir
            return dir
        }

        private static func appendRounds(_ log: EventLog) async throws {
            for round in 0..<3 {
                for stream in streams {
                    _ = try await log.append(stream: stream, expectedVersion: .any,
                                             events: [ProposedEvent(type: "Fuzzed", metadata: ["round": "\(round)"],
                                                                    payload: Array(String(repeating: "\(stream) \(round) ", count: 40).utf8))])
                }
            }
        }
    }

    private final class LockedError: @unchecked Sendable { var error: (any Error)? }

    /// The segment and batch reader: the bytes as the only segment file of a log, opened
    /// read-only; every event is read (forward, by stream and by position), and the chain verified.
    package static func segment(_ input: UnsafeRawBufferPointer, scratch: Scratch) {
        guard let flags = input.first else { return }
        var bytes = Array(input.dropFirst())
        if flags & 1 != 0 { fixSegmentChecksums(&bytes) }
        let dir = scratch.path + "/segment-log"
        try? FileManager.default.removeItem(atPath: dir)
        guard mkdir(dir, 0o755) == 0, mkdir(dir + "/segments", 0o755) == 0,
              (try? Data(bytes).write(to: URL(fileURLWithPath: dir + "/segments/" + MappedSegment.fileName(1)))) != nil
        else { return }
        guard let log = try? EventLog.open(directory: dir, options: .init(readOnly: true, verifyInBackground: false)) else { return }
        defer { try? log.close() }
        exercise(log)
    }

    /// The stream index file reader: the bytes as `index/streams.idx` of a small valid log,
    /// opened read-only; each stream is read through the index.
    package static func streamIndex(_ input: UnsafeRawBufferPointer, scratch: Scratch) {
        guard let flags = input.first, let source = try? scratch.logForIndex() else { return }
        var bytes = Array(input.dropFirst())
        if flags & 1 != 0 { fixIndexChecksums(&bytes) }
        let dir = scratch.path + "/index-log"
        try? FileManager.default.removeItem(atPath: dir)
        guard (try? FileManager.default.copyItem(atPath: source, toPath: dir)) != nil else { return }
        try? FileManager.default.createDirectory(atPath: dir + "/index", withIntermediateDirectories: true)
        guard (try? Data(bytes).write(to: URL(fileURLWithPath: dir + "/index/streams.idx"))) != nil else { return }
        // The file reader on its own, then as the log uses it.
        if let file = try? StreamIndexFile.open(path: dir + "/index/streams.idx") {
            for stream in Scratch.streams + ["absent"] {
                if let record = file.record(of: IndexHashing.key(stream)) {
                    _ = file.positions(record)
                    _ = file.positions(record, from: 2, through: 3)
                }
            }
        }
        guard let log = try? EventLog.open(directory: dir, options: .init(readOnly: true, verifyInBackground: false)) else { return }
        defer { try? log.close() }
        exercise(log)
    }

    /// The LZ4 block decoder and the block's event decoder: input `[flags, eventCount (u8),
    /// rawLength (u16 LE), dictionaryLength (u16 LE), dictionary, compressed block]`.
    package static func block(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 6 else { return }
        let eventCount = Int(input[1])
        let rawLength = Int(input[2]) | Int(input[3]) << 8
        let dictionaryLength = min(Int(input[4]) | Int(input[5]) << 8, input.count - 6)
        let dictionary = UnsafeRawBufferPointer(rebasing: input[6..<(6 + dictionaryLength)])
        let source = UnsafeRawBufferPointer(rebasing: input[(6 + dictionaryLength)...])
        let destination = UnsafeMutableRawBufferPointer.allocate(byteCount: max(rawLength, 1), alignment: 16)
        defer { destination.deallocate() }
        guard source.count > 0, BlockDecompressor.decompress(source, into: destination.baseAddress!, rawLength: rawLength,
                                                            dictionary: dictionary) else { return }
        let content = UnsafeRawBufferPointer(start: destination.baseAddress, count: rawLength)
        try? BlockDecoder.forEachEvent(in: content, eventCount: max(eventCount, 1), firstPosition: 1, batchFirstRecordedAt: 0,
                                       malformed: { error, _ in error }) { view in
            _ = view.materialize()
        }
    }

    /// Reads everything a reader can ask of a log, ignoring the errors it reports.
    private static func exercise(_ log: EventLog) {
        let head = log.head().position
        var streams: Set<String> = []
        try? log.forEachEvent(from: 1) { view in
            if streams.count < 8 { streams.insert(view.materialize().stream) }
        }
        for stream in streams.sorted() + Scratch.streams {
            _ = try? log.readStream(stream)
            _ = try? log.readStream(stream, direction: .backward)
        }
        for position in [1, head / 2, head] where position >= 1 { _ = try? log.event(at: position) }
        _ = log.position(at: Timestamp(microsecondsSinceEpoch: 0))
        _ = try? log.statistics()
        _ = log.verify()
    }

    /// Recomputes the segment header's CRC and every record's CRC that can be found by walking
    /// the records from the header on.
    static func fixSegmentChecksums(_ bytes: inout [UInt8]) {
        guard bytes.count >= SegmentHeader.size else { return }
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: fabriek_crc32c(0, raw.baseAddress, 60).littleEndian, toByteOffset: 60, as: UInt32.self)
            var offset = SegmentHeader.size
            while offset + 12 <= raw.count {
                let magic = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
                if magic == RecordMagic.batch, offset + BatchHeader.size <= raw.count {
                    let bodyLength = Int(raw.loadUnaligned(fromByteOffset: offset + 20, as: UInt32.self).littleEndian)
                    guard offset + BatchHeader.size + bodyLength <= raw.count else { return }
                    let record = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + BatchHeader.size + bodyLength)])
                    raw.storeBytes(of: BatchHeader.computeChecksum(record: record).littleEndian, toByteOffset: offset + 80, as: UInt32.self)
                    offset += BatchHeader.size + bodyLength
                } else if magic == RecordMagic.dictionary {
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian)
                    guard offset + 12 + length <= raw.count else { return }
                    var crc = fabriek_crc32c(0, raw.baseAddress! + offset, 8)
                    crc = fabriek_crc32c(crc, raw.baseAddress! + offset + 12, length)
                    raw.storeBytes(of: crc.littleEndian, toByteOffset: offset + 8, as: UInt32.self)
                    offset += 12 + length
                } else {
                    return
                }
            }
        }
    }

    /// Recomputes an index file's body and header CRCs and its length field.
    static func fixIndexChecksums(_ bytes: inout [UInt8]) {
        guard bytes.count >= StreamIndexFile.headerSize else { return }
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(raw.count).littleEndian, toByteOffset: 96, as: UInt64.self)
            let body = fabriek_crc32c(0, raw.baseAddress! + StreamIndexFile.headerSize, raw.count - StreamIndexFile.headerSize)
            raw.storeBytes(of: body.littleEndian, toByteOffset: 12, as: UInt32.self)
            raw.storeBytes(of: fabriek_crc32c(0, raw.baseAddress, 112).littleEndian, toByteOffset: 112, as: UInt32.self)
        }
    }
}

extension LogFuzzTargets {
    /// Starting inputs for the segment, index and block targets, cut from the log in `directory`
    /// (its first segment's first `limit` bytes, its stream index, its first batch's blocks) and
    /// from the small log of `scratch`.
    package static func seeds(logDirectory directory: String, scratch: Scratch, limit: Int = 8192) throws -> [String: [[UInt8]]] {
        var out: [String: [[UInt8]]] = ["segment": [], "index": [], "block": []]
        for dir in [directory, try scratch.logForIndex()] {
            let segmentPath = dir + "/segments/" + MappedSegment.fileName(1)
            guard let segment = FileManager.default.contents(atPath: segmentPath).map({ [UInt8]($0) }) else { continue }
            out["segment"]!.append([1] + segment.prefix(limit))
            if let index = FileManager.default.contents(atPath: dir + "/index/streams.idx"), index.count <= 1 << 16 {
                out["index"]!.append([1] + [UInt8](index))
            }
            segment.withUnsafeBytes { image in
                var offset = SegmentHeader.size
                var dictionary: [UInt8] = []
                while out["block"]!.count < 16, case .success(let (record, next)) = RecordScanner.record(in: image, at: offset) {
                    switch record {
                    case let .dictionary(at, length):
                        dictionary = Array(image[(at + DictionaryRecord.headerSize)..<(at + DictionaryRecord.headerSize + length)])
                    case let .batch(at, header):
                        if let (entries, dataOffset) = RecordScanner.blockTable(in: image, batchOffset: at, header: header) {
                            var o = dataOffset
                            for e in entries {
                                let used = header.dictionaryOffset == 0 ? [] : dictionary
                                guard e.rawLength <= UInt16.max, used.count <= UInt16.max, e.eventCount <= UInt8.max else { break }
                                let fields: [UInt8] = [1, UInt8(e.eventCount), UInt8(e.rawLength & 0xFF), UInt8(e.rawLength >> 8),
                                                       UInt8(used.count & 0xFF), UInt8(used.count >> 8)]
                                out["block"]!.append(fields + used + image[o..<(o + Int(e.storedLength))])
                                o += Int(e.storedLength)
                            }
                        }
                    }
                    offset = next
                }
            }
        }
        return out
    }
}
