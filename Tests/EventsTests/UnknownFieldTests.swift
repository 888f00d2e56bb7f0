import Events
import Foundation
import Testing

/// Newer writers may add fields: readers skip what they do not know, of every wire type.
@Suite struct UnknownFieldTests {
    static let unknownFields: [(String, [UInt8])] = [
        ("varint", [0xF8, 0x07, 0x96, 0x01]),                 // field 127, varint 150
        ("length-delimited", [0xFA, 0x07, 3, 0x61, 0x62, 0x63]), // field 127, "abc"
        ("fixed32", [0xFD, 0x07, 1, 2, 3, 4]),               // field 127, fixed32
        ("fixed64", [0xF9, 0x07, 1, 2, 3, 4, 5, 6, 7, 8]),   // field 127, fixed64
        ("large field number", [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]),  // field 2^29-1
    ]

    @Test(arguments: Fixtures.events)
    func appendedUnknownFieldsAreSkipped(_ event: DomainEvent) throws {
        var payload = event.encodePayload()
        for (_, bytes) in Self.unknownFields { payload += bytes }
        let decoded = try payload.withUnsafeBytes {
            try EventCatalogue.decode(type: event.typeName, schemaVersion: event.schemaVersion, payload: $0)
        }
        #expect(decoded == event)
    }

    @Test func unknownFieldsFirstAndInsideSubMessagesAreSkipped() throws {
        let lot = Lot(number: 7, title: "Wyck", buurten: ["Wyck"])
        var lotBytes = lot.encodePayload()
        lotBytes += [0xFA, 0x07, 2, 0x68, 0x69]
        var payload: [UInt8] = [0xF8, 0x07, 0x01]                // unknown first
        payload += TenderAmended(tenderId: Fixtures.tender, reason: "r").encodePayload()
        payload += [0x32, UInt8(lotBytes.count)] + lotBytes      // field 6 (lots) with an unknown field inside
        let decoded = try TenderAmended(payload: payload)
        #expect(decoded == TenderAmended(tenderId: Fixtures.tender, lots: [lot], reason: "r"))
    }

    @Test func repeatedEnumsDecodePackedAndUnpacked() throws {
        let packed = TargetGroupDetails(groups: [.armoede, .women], ageBand: .from55).encodePayload()
        #expect(packed.prefix(4) == [0x0A, 2, 1, 4])
        let unpacked: [UInt8] = [0x08, 1, 0x08, 4, 0x10, 4]
        #expect(try TargetGroupDetails(payload: unpacked) == TargetGroupDetails(payload: packed))
    }
}
