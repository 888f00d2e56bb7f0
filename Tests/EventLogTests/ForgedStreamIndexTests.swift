import EventLog
import Foundation
import Testing

/// Given a closed log whose stream index file (`index/streams.idx`) was edited so that one
/// stream points at another stream's event, with both CRCs recomputed (the file loads as valid),
/// then no read returns the other stream's event: `readStream` notices and answers from an index
/// rebuilt from the segments; `verify` reports the index as not matching the log; a writable
/// open's background check rebuilds it.
@Suite("Forged stream index")
struct ForgedStreamIndexTests {
    /// Streams `a` (odd positions) and `b` (even positions), 40 events each, closed (the index
    /// file covers the head); then the first entry's first position moved by one, so that it
    /// names the other stream's event.
    static func forged(_ directory: String) async throws -> (a: [UUID], b: [UUID]) {
        let log = try EventLog.open(directory: directory)
        var a: [UUID] = [], b: [UUID] = []
        for i in 0..<40 {
            let ea = Fixture.event("a\(i)"), eb = Fixture.event("b\(i)")
            _ = try await log.append(stream: "a", expectedVersion: .any, events: [ea])
            _ = try await log.append(stream: "b", expectedVersion: .any, events: [eb])
            a.append(ea.id)
            b.append(eb.id)
        }
        try log.close()
        let index = directory + "/index/streams.idx"
        let bytes = try Files.read(index)
        // The first entry's first position is 1 (stream a) or 2 (stream b): point it at the other.
        var o = Int(bytes.u64(88))
        _ = Forgery.varint(bytes, &o)
        let first = Forgery.varint(bytes, &o)
        try #require(first == 1 || first == 2)
        try Forgery.redirectFirstStream(indexFile: index, to: first == 1 ? 2 : 1)
        return (a, b)
    }

    @Test("given a forged stream index, when each stream is read forward and backward, then only its own events come back, in version order")
    func readsReturnOnlyTheStreamsEvents() async throws {
        let tmp = TemporaryDirectory("forged-index")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let ids = try await Self.forged(directory)
        for readOnly in [true, false] {
            let log = try EventLog.open(directory: directory, options: .init(readOnly: readOnly, verifyInBackground: false))
            defer { try? log.close() }
            for (stream, expected) in [("a", ids.a), ("b", ids.b)] {
                let forward = try log.readStream(stream)
                #expect(forward.map(\.id) == expected, "\(stream) forward (read-only \(readOnly))")
                #expect(forward.allSatisfy { $0.stream == stream })
                #expect(forward.map(\.streamVersion) == Array(1...40))
                let backward = try log.readStream(stream, direction: .backward, maxCount: 5)
                #expect(backward.map(\.id) == Array(expected.suffix(5).reversed()), "\(stream) backward (read-only \(readOnly))")
                #expect(try log.readStream(stream, from: 1, maxCount: 1).map(\.id) == [expected[0]])
            }
        }
    }

    @Test("given a forged stream index, then verify reports that it does not match the log; a writable log rebuilds it and verifies intact afterwards")
    func verifyChecksTheIndex() async throws {
        let tmp = TemporaryDirectory("forged-index-verify")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        _ = try await Self.forged(directory)

        let reader = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        let report = reader.verify()
        #expect(!report.isIntact && report.failure == nil, "\(report)")
        #expect(report.indexProblem?.contains("does not match the log") == true, "\(report)")
        #expect(reader.verify(upTo: reader.head()).indexProblem != nil, "verify with a digest must check the index too")
        try reader.close()

        let log = try EventLog.open(directory: directory, options: .init(verifyInBackground: false))
        let first = log.verify()
        #expect(first.indexProblem?.contains("rebuilt from the segments") == true, "\(first)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/index/streams.idx"), "the forged file is still trusted")
        #expect(log.verify().isIntact)
        try log.close()
        let reopened = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
        defer { try? reopened.close() }
        #expect(reopened.verify().isIntact)
    }

    @Test("given a forged stream index, when opened for writing, then the background check rebuilds it")
    func backgroundCheckRebuildsTheIndex() async throws {
        let tmp = TemporaryDirectory("forged-index-background")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        let ids = try await Self.forged(directory)
        let log = try EventLog.open(directory: directory)
        defer { try? log.close() }
        let report = try await TamperTests.finishedCheck(log)
        #expect(report.failure == nil && report.indexProblem?.contains("rebuilt") == true, "\(report)")
        #expect(log.verify().isIntact)
        let appended = try await log.append(stream: "a", expectedVersion: .exact(40), events: [Fixture.event("a40")])
        #expect(appended.streamVersions["a"] == 41)
        #expect(try log.readStream("a").map(\.id) == ids.a + [try log.event(at: 81).id])
    }
}
