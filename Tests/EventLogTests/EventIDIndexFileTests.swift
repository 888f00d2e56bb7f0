import CCRC32C
@testable import EventLog
import Foundation
import Testing

/// Given a log whose writer saved the event-id index (`index/ids.idx`) at close or at a
/// checkpoint, when it is reopened with that file intact, missing, stale, truncated, garbled
/// or forged (entries moved, checksums recomputed), then every stored id is still recognised
/// as a retry (the original result, nothing written) and new ids are appended: the file is
/// derived data that is checked against the log, never trusted blindly.
@Suite("Event-id index file")
struct EventIDIndexFileTests {
    enum FileState: String, CaseIterable {
        case persisted, missing
        /// The file an earlier close wrote, covering fewer events.
        case stale
        /// Cut in half, as by a crash while it was written.
        case truncated
        /// Same length, some bytes overwritten.
        case garbled
        /// Every entry's position moved to the next entry's, both checksums recomputed: the
        /// file loads as valid but points each id at another event.
        case forged
        /// Written by a log with other events (another chain), checksums valid.
        case otherLog
    }

    /// 3 sessions of appends (one to four events each, several streams); returns each append
    /// with its result, the file the first close wrote, and the head.
    static func build(_ directory: String) async throws -> ([(StreamAppend, AppendResult)], [UInt8], LogHead) {
        var results: [(StreamAppend, AppendResult)] = []
        var firstFile: [UInt8] = []
        for session in 0..<3 {
            let log = try EventLog.open(directory: directory, options: .init(segmentSize: 8192, verifyInBackground: false))
            for i in 0..<25 {
                let n = session * 25 + i
                let a = StreamAppend(stream: "s\(n % 5)", expectedVersion: n % 2 == 0 ? .any : .exact(log.streamVersion("s\(n % 5)")),
                                     events: Fixture.events(1 + n % 4, prefix: "e\(n)-"))
                results.append((a, try await log.append([a])))
            }
            try log.close()
            if session == 0 { firstFile = try Files.read(directory + "/index/ids.idx") }
        }
        let log = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        defer { try? log.close() }
        return (results, firstFile, log.head())
    }

    /// Rewrites the file so that entry k holds the position of entry k + 1 (cyclically), with
    /// both CRCs recomputed.
    static func forgeRotatedPositions(_ path: String) throws {
        var bytes = try Files.read(path)
        let entries = Int(bytes.u64(80)), count = Int(bytes.u64(16))
        let positionBits = Int(bytes.u32(60)), entryBytes = Int(bytes.u32(64))
        func value(_ k: Int) -> UInt64 {
            (0..<entryBytes).reduce(UInt64(0)) { $0 | UInt64(bytes[entries + k * entryBytes + $1]) << (8 * UInt64($1)) }
        }
        let mask = (UInt64(1) << UInt64(positionBits)) - 1
        let values = (0..<count).map(value)
        for k in 0..<count {
            let v = values[k] & ~mask | values[(k + 1) % count] & mask
            for i in 0..<entryBytes { bytes[entries + k * entryBytes + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
        }
        bytes.setU32(Forgery.crc(bytes[128...]), at: 12)
        bytes.setU32(Forgery.crc(bytes[0..<112]), at: 112)
        try Files.write(bytes, to: path)
    }

    @Test("given appends in several sessions, when the log is closed, then index/ids.idx covers the head and names each event's position under its id's fingerprint")
    func closeSavesTheFile() async throws {
        let tmp = TemporaryDirectory("ids-file")
        defer { tmp.remove() }
        let (_, _, head) = try await Self.build(tmp.path)
        let file = try #require(try EventIDIndexFile.open(path: tmp.path + "/index/ids.idx"))
        #expect(file.coveredPosition == head.position)
        #expect(file.coveredHash == head.hash)
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(readOnly: true))
        defer { try? log.close() }
        for event in try Fixture.allEvents(log) {
            let found = file.firstPosition(fingerprint: EventIDIndexFile.fingerprint(event.id)) {
                $0.contains(event.position) ? event.position : nil
            }
            #expect(found == event.position)
        }
        let unknown = UUID()
        #expect(file.firstPosition(fingerprint: EventIDIndexFile.fingerprint(unknown)) { candidates in
            candidates.first { (try? log.event(at: $0).id) == unknown }
        } == nil)
    }

    @Test("given the id index file persisted, missing, stale, truncated, garbled, forged or from another log, when the log is reopened for writing and every append is retried, then each gets its original result and nothing is written twice",
          arguments: FileState.allCases)
    func retriesAfterReopen(state: FileState) async throws {
        let tmp = TemporaryDirectory("ids-file-reopen")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let (results, firstFile, head) = try await Self.build(directory)
        let path = directory + "/index/ids.idx"
        switch state {
        case .persisted: break
        case .missing: try FileManager.default.removeItem(atPath: path)
        case .stale: try Files.write(firstFile, to: path)
        case .truncated:
            let bytes = try Files.read(path)
            try Files.write(Array(bytes.prefix(bytes.count / 2)), to: path)
        case .garbled:
            var bytes = try Files.read(path)
            for i in stride(from: 130, to: bytes.count, by: 13) { bytes[i] ^= 0x5A }
            try Files.write(bytes, to: path)
        case .forged: try Self.forgeRotatedPositions(path)
        case .otherLog:
            let other = tmp.sub("other")
            _ = try await Self.build(other)
            try Files.write(try Files.read(other + "/index/ids.idx"), to: path)
        }

        let log = try EventLog.open(directory: directory, options: .init(segmentSize: 8192))
        // The background check looks every id up in the file; a forged file is then not used.
        let check = try await TamperTests.finishedCheck(log)
        #expect(check.failure == nil, "\(check)")
        #expect((check.idIndexProblem != nil) == (state == .forged), "\(check)")
        for (append, original) in results {
            let retry = try await log.append([append])
            #expect(retry.wasAlreadyStored, "\(state): \(original.positions)")
            #expect(retry.positions == original.positions)
            #expect(retry.streamVersions == original.streamVersions)
            #expect(retry.head == original.head)
        }
        #expect(log.head() == head)
        let next = try await log.append(stream: "s0", expectedVersion: .any, events: [Fixture.event("next")])
        #expect(next.positions == [head.position + 1])
        try log.close()

        // The close saved a sound file covering the new head, and every id is stored once.
        let reopened = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        defer { try? reopened.close() }
        let file = try #require(try EventIDIndexFile.open(path: path))
        #expect(file.coveredPosition == head.position + 1)
        let ids = try Fixture.allEvents(reopened).map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(reopened.verify().isIntact)
    }

    @Test("given a forged id index file, then verify reports that it does not match the log, and a writable log stops using it")
    func verifyReportsAForgedFile() async throws {
        let tmp = TemporaryDirectory("ids-file-verify")
        defer { tmp.remove() }
        let (results, _, head) = try await Self.build(tmp.path)
        try Self.forgeRotatedPositions(tmp.path + "/index/ids.idx")
        let reader = try EventLog.open(directory: tmp.path, options: Fixture.options(readOnly: true))
        let report = reader.verify()
        #expect(!report.isIntact && report.failure == nil, "\(report)")
        #expect(report.idIndexProblem?.contains("index/ids.idx") == true, "\(report)")
        try reader.close()

        let log = try EventLog.open(directory: tmp.path, options: .init(verifyInBackground: false))
        #expect(log.verify().idIndexProblem != nil)
        let (append, original) = results[results.count - 1]
        let retry = try await log.append([append])
        #expect(retry.wasAlreadyStored && retry.positions == original.positions)
        #expect(log.head() == head)
        try log.close()
        let reopened = try EventLog.open(directory: tmp.path, options: Fixture.options(readOnly: true))
        defer { try? reopened.close() }
        #expect(reopened.verify().isIntact)
    }

    @Test("given a writer whose in-memory ids reach the checkpoint size, then it saves the file while open, and a copy of the log taken without a close (as after a crash) reopens with every id recognised")
    func checkpointWhileOpen() async throws {
        let tmp = TemporaryDirectory("ids-file-checkpoint")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        var options = EventLog.Options(verifyInBackground: false)
        options.indexCheckpointEvents = 20
        var appended: [(StreamAppend, AppendResult)] = []
        let log = try EventLog.open(directory: directory, options: options)
        for i in 0..<30 {
            let a = StreamAppend(stream: "c\(i % 3)", expectedVersion: .any, events: Fixture.events(3, prefix: "c\(i)-"))
            appended.append((a, try await log.append([a])))
        }
        // Written on a thread of its own while the appends went on.
        log.waitForIndexCheckpoint()
        let file = try #require(try EventIDIndexFile.open(path: directory + "/index/ids.idx"))
        #expect(file.coveredPosition >= 20 && file.coveredPosition < 90, "checkpoint at \(file.coveredPosition)")
        // The files as a crash would leave them: copied while the writer is open, never closed.
        let crashed = tmp.sub("crashed")
        try Files.copyDirectory(directory, to: crashed)
        try log.close()

        let reopened = try EventLog.open(directory: crashed, options: .init(verifyInBackground: false))
        defer { try? reopened.close() }
        #expect(reopened.head().position == 90)
        for (append, original) in appended {
            let retry = try await reopened.append([append])
            #expect(retry.wasAlreadyStored && retry.positions == original.positions)
        }
        #expect(reopened.head().position == 90)
    }

    @Test("given more than 2^20 positions, when the file is written, then entries name granules of positions, keep 4 bytes, the bucket table stays at 2^16 buckets, and every position is found in its entry's granule, also after a merge into a longer file")
    func granulesPastAMillionEvents() throws {
        let tmp = TemporaryDirectory("ids-file-granules")
        defer { tmp.remove() }
        let path = tmp.path + "/ids.idx"
        // Fingerprints as EventIDIndex makes them (32 bits; the file keeps the top 28).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func nextFingerprint() -> UInt32 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: IndexHashing.mix(state) >> 32)
        }
        let first = (0..<(1 << 21) + 5).map { _ in nextFingerprint() }
        let hash = ChainHash(unchecked: [UInt8](repeating: 7, count: 32))
        try EventIDIndexFile.write(file: nil, base: 0, fingerprints: first,
                                   covered: LogHead(position: UInt64(first.count), hash: hash), path: path, directory: tmp.path)
        let file = try #require(try EventIDIndexFile.open(path: path))
        let bytes = try Files.read(path)
        // 2^21 + 5 positions: 22 position bits, granules of 2^2, 16 bucket bits, 4-byte entries.
        #expect(bytes.u32(68) == 2 && bytes.u32(60) == 20 && bytes.u32(56) == 16 && bytes.u32(64) == 4)
        #expect(bytes.count == 128 + ((1 << 16) + 1) * 4 + first.count * 4)
        for (i, fp) in first.enumerated() where i % 7 == 0 || i >= first.count - 8 {
            let position = UInt64(i + 1)
            var granule: ClosedRange<UInt64>?
            let found = file.firstPosition(fingerprint: fp >> 4) { candidates in
                guard candidates.contains(position) else { return nil }
                granule = candidates
                return position
            }
            #expect(found == position)
            #expect(granule.map { $0.count <= 4 && $0.upperBound <= UInt64(first.count) } == true, "\(String(describing: granule))")
        }

        // Merged with the positions after it into a file of 2^22 + 3 positions (granules of 2^3).
        let more = (0..<(1 << 21)).map { _ in nextFingerprint() }
        let merged = tmp.path + "/merged.idx"
        try EventIDIndexFile.write(file: file, base: UInt64(first.count), fingerprints: more,
                                   covered: LogHead(position: UInt64(first.count + more.count), hash: hash),
                                   path: merged, directory: tmp.path)
        let bigger = try #require(try EventIDIndexFile.open(path: merged))
        #expect(try Files.read(merged).u32(68) == 3)
        for (i, fp) in (first + more).enumerated() where i % 11 == 0 {
            let position = UInt64(i + 1)
            #expect(bigger.firstPosition(fingerprint: fp >> 4) { $0.contains(position) ? position : nil } == position)
        }
    }
}
