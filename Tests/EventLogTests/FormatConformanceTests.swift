import EventLog
import Foundation
import Testing

/// Given a log written by the engine, when its directory is read with FORMAT.md alone (an
/// independent reader: LZ4, CRC-32C and SHA-256), then every header, checksum and event
/// encoding is as specified, the decoded events equal what the engine reads, and the recomputed
/// hash chain gives the very heads the engine reported: an auditor with the specification can
/// reproduce the digest without our code.
@Suite("Format conformance")
struct FormatConformanceTests {
    @Test("given a log with dictionaries, multi-block batches and several segments, when read from FORMAT.md alone, then events and chain heads match the engine")
    func independentReaderAgrees() async throws {
        let tmp = TemporaryDirectory("format")
        defer { tmp.remove() }
        let clock = ManualClock()
        let log = try EventLog.open(directory: tmp.path, options: Fixture.options(segmentSize: 96 << 10, durability: .none,
                                                                                   clock: clock.reading))
        var rng = SeededRandom(seed: 21)
        var heads: [LogHead] = []
        for i in 0..<220 {
            clock.set(clock.now.microsecondsSinceEpoch + Int64.random(in: 0...5_000, using: &rng))
            let count = i % 25 == 0 ? 12 : 1 + i % 3
            let events = (0..<count).map { j in
                ProposedEvent(type: ["MemberRegistered", "TenderPublished", "BidSubmitted", "Ünïcode"][(i + j) % 4],
                              schemaVersion: UInt32(1 + j % 3),
                              metadata: j % 4 == 0 ? [:] : ["zeta": "z", "actor": "coördinator-\(i)", "Role": "admin", "causation": "\(i)-\(j)"],
                              payload: i % 25 == 0 ? rng.bytes(900) : Array("{\"i\":\(i),\"j\":\(j),\"wijk\":\"Maastricht-Oost\"}".utf8))
            }
            heads.append(try await log.append(stream: "stream-\(i % 7)", expectedVersion: .any, events: events).head)
        }
        // Imported times inside one commit.
        let imported = (0..<3).map { j in
            ProposedEvent(type: "Imported", payload: [UInt8(j)], recordedAt: Timestamp(microsecondsSinceEpoch: clock.now.microsecondsSinceEpoch + 10 + Int64(j) * 7))
        }
        heads.append(try await log.append(stream: "import", expectedVersion: .noStream, events: imported).head)
        let engineEvents = try Fixture.allEvents(log)
        try log.close()

        let spec = try SpecReader(directory: tmp.path)
        #expect(spec.dictionaries > 0, "no dictionary record was written")
        #expect(spec.multiBlockBatches > 0, "no batch has more than one block")
        #expect(try SegmentLayout.segmentPaths(ofLog: tmp.path).count > 1)
        #expect(spec.events.count == engineEvents.count)
        for (s, e) in zip(spec.events, engineEvents) {
            let expected = SpecReader.Event(position: e.position, id: e.id, streamVersion: e.streamVersion,
                                            recordedAt: e.recordedAt.microsecondsSinceEpoch, schemaVersion: UInt64(e.schemaVersion),
                                            stream: e.stream, type: e.type,
                                            metadata: e.metadata.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { ($0.key, $0.value) },
                                            payload: e.payload)
            #expect(s == expected, "position \(e.position)")
        }
        #expect(spec.commitHeads.count == heads.count)
        for (computed, head) in zip(spec.commitHeads, heads) {
            #expect(computed.0 == head.position && computed.1 == head.hash.bytes, "chain head at \(head.position)")
        }
    }

    @Test("SHA-256 of the test reader matches the standard test vectors")
    func sha256Vectors() {
        #expect(ChainHash(bytes: SHA256Digest.hash([]))?.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ChainHash(bytes: SHA256Digest.hash(Array("abc".utf8)))?.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ChainHash(bytes: SHA256Digest.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))?.hex
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(ChainHash(bytes: SHA256Digest.hash(Array(repeating: UInt8(ascii: "a"), count: 1000)))?.hex
                == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
