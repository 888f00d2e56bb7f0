import EventLog
import Events
import Foundation
import Testing

@Suite struct ProtobufRoundTripTests {
    @Test func everyCatalogueTypeHasASample() {
        let sampled = Set(Fixtures.events.map(\.typeName))
        let catalogued = Set(EventCatalogue.entries.map(\.typeName))
        #expect(sampled == catalogued)
        #expect(catalogued.count == EventCatalogue.entries.count, "type names are unique")
    }

    @Test(arguments: Fixtures.events)
    func encodeThenDecodeGivesTheSameEvent(_ event: DomainEvent) throws {
        let proposed = event.proposed()
        #expect(proposed.type == event.typeName)
        #expect(proposed.schemaVersion == event.schemaVersion)
        let decoded = try proposed.payload.withUnsafeBytes {
            try EventCatalogue.decode(type: proposed.type, schemaVersion: proposed.schemaVersion, payload: $0)
        }
        #expect(decoded == event)
        #expect(decoded.encodePayload() == proposed.payload, "encoding is deterministic")
    }

    @Test func aUUIDFromItsBytesIsTheOneFoundationMakes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let a = generator.next() as UInt64, b = generator.next() as UInt64
            let bytes = unsafeBitCast((a, b), to: uuid_t.self)
            let made = ProtoReader.uuid(bytes)
            #expect(made == UUID(uuid: bytes))
            #expect(made.uuidString == UUID(uuid: bytes).uuidString)
        }
    }

    @Test func aStringFromItsBytesIsTheOneStringDecodingMakes() {
        // Given ASCII, non-ASCII and invalid UTF-8 of every length around the small-string limit,
        var cases: [[UInt8]] = [[], Array("nl".utf8), Array("Céramique".utf8), Array("Wittevrouwenveld".utf8),
                                Array("ab€".utf8), [0xFF], [0x61, 0xC3], [0xE2, 0x82], Array("💶💶💶💶".utf8)]
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            cases.append((0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &generator) })
            cases.append((0..<length).map { _ in UInt8.random(in: 0...0xFF, using: &generator) })
            cases.append(Array(String(repeating: "é", count: length).utf8.prefix(length)))
        }
        for bytes in cases {
            // when each is made into a String by the reader and by String(decoding:as:),
            let (made, expected) = bytes.withUnsafeBytes { (ProtoReader.string($0), String(decoding: $0, as: UTF8.self)) }
            // then both have the same characters and the same UTF-8.
            #expect(made == expected, "\(bytes)")
            #expect(Array(made.utf8) == Array(expected.utf8), "\(bytes)")
            #expect(made.utf8.count == expected.utf8.count)
        }
    }

    @Test func decodesFromARecordedEventAndFromTypeBytes() throws {
        let event = Fixtures.events[0]
        let recorded = RecordedEvent(position: 1, id: Fixtures.id(99), stream: "member-x", streamVersion: 1,
                                     type: event.typeName, schemaVersion: event.schemaVersion,
                                     recordedAt: Fixtures.time, metadata: [:], payload: event.encodePayload())
        #expect(try EventCatalogue.decode(recorded) == event)
        let typeBytes = Array(event.typeName.utf8)
        let decoded = try typeBytes.withUnsafeBytes { t in
            try recorded.payload.withUnsafeBytes { p in
                try EventCatalogue.decode(typeBytes: t, schemaVersion: event.schemaVersion, payload: p)
            }
        }
        #expect(decoded == event)
    }

    @Test func knownBytesOfASmallEvent() {
        let e = MemberRateSet(memberId: Fixtures.member, unit: .day, amountCents: 300)
        // field 1 (LEN, 16 bytes uuid), field 2 (varint 2), field 4 (varint 300 = ac 02)
        let expected: [UInt8] = [0x0A, 16] + withUnsafeBytes(of: Fixtures.member.uuid) { Array($0) }
            + [0x10, 0x02, 0x20, 0xAC, 0x02]
        #expect(e.encodePayload() == expected)
    }

    @Test func largeSubMessagesGetAWideLengthPrefix() throws {
        let lot = Lot(number: 1, title: String(repeating: "x", count: 300), buurten: ["Wyck"])
        let e = TenderAmended(tenderId: Fixtures.tender, lots: [lot, lot], reason: "r")
        #expect(try TenderAmended(payload: e.encodePayload()) == e)
    }

    @Test func damagedPayloadsThrowAndNeverTrap() throws {
        // Every prefix and every single-byte change either decodes or throws; none traps.
        for event in Fixtures.events {
            let payload = event.encodePayload()
            for cut in 0..<payload.count {
                _ = try? payload[..<cut].withUnsafeBytes {
                    try EventCatalogue.decode(type: event.typeName, schemaVersion: event.schemaVersion, payload: $0)
                }
            }
            for i in payload.indices {
                var damaged = payload
                damaged[i] ^= 0xA5
                _ = try? damaged.withUnsafeBytes {
                    try EventCatalogue.decode(type: event.typeName, schemaVersion: event.schemaVersion, payload: $0)
                }
            }
        }
        let payload = Fixtures.events[0].encodePayload()
        for cut in 1..<18 {  // inside the first field (the 16-byte member id)
            #expect(throws: ProtoDecodingError.self) { _ = try MemberRegistered(payload: Array(payload[..<cut])) }
        }
        #expect(throws: ProtoDecodingError.self) { _ = try MemberRateSet(payload: [0x10, 0x02]) }  // memberId missing
        #expect(throws: ProtoDecodingError.self) { _ = try MemberRateSet(payload: [0x0A, 3, 1, 2, 3]) }  // short UUID
        #expect(throws: ProtoDecodingError.self) { _ = try MemberRateSet(payload: [0x08, 1]) }  // wrong wire type
        #expect(throws: ProtoDecodingError.self) { _ = try MemberRateSet(payload: [0x10, 0x63]) }  // unknown enum 99
        #expect(throws: ProtoDecodingError.self) { _ = try MemberRateSet(payload: [0x20] + Array(repeating: 0xFF, count: 11)) }
    }

    @Test func unknownTypesAndNewerVersionsAreRefused() {
        #expect(throws: EventDecodingError.unknownType("NoSuchEvent")) {
            _ = try EventCatalogue.decode(type: "NoSuchEvent", schemaVersion: 1, payload: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        #expect(throws: EventDecodingError.newerSchemaVersion(type: "MemberRateSet", version: 3, known: 2)) {
            _ = try EventCatalogue.decode(type: "MemberRateSet", schemaVersion: 3, payload: UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}

extension DomainEvent: CustomTestStringConvertible {
    public var testDescription: String { typeName }
}
