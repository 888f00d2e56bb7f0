@testable import fabriek_admin
import EventLog
import Events
import Foundation
import PersonalData
import Testing

/// `ImportLine.parse`'s fast path: `data` read in place with the scanner of the type guessed
/// from the line's end (`typeGuess`), taken only when `type` is that type.
@Suite struct ImportLineTests {
    static func parse(_ line: String) throws -> ImportLine {
        var context = JSONContext.sealed
        return try Array(line.utf8).withUnsafeBytes {
            try ImportLine.parse($0, number: 1, context: &context, vault: { throw AdminError.failure("no vault here") })
        }
    }

    static func guess(_ line: String) -> String? {
        Array(line.utf8).withUnsafeBytes { ImportLine.typeGuess($0)?.typeName }
    }

    @Test("given an exported line, and the same event with its type first and a misleading type last, when each is parsed, then both give the event")
    func aWrongTypeGuessOnlyCostsTime() throws {
        let member = UUID(uuidString: "5a1e0100-1234-4abc-8def-001122334401")!
        let event = MemberRateSet(memberId: member, unit: .day, amountCents: 300).domainEvent
        let data = String(decoding: try event.canonicalJSON(context: .sealed), as: UTF8.self)
        let stream = "member-\(member.uuidString.lowercased())"
        let id = "c909b93f-3c99-5528-9d5f-d34e13da14dc"
        // Given export's order (type last but version),
        let exported = #"{"data":\#(data),"id":"\#(id)","recordedAt":"2026-12-01T00:00:00.000001Z","schemaVersion":2,"stream":"\#(stream)","type":"MemberRateSet","version":1}"#
        // and the same event with its type first and metadata naming another type at the end,
        let misled = #"{"type":"MemberRateSet","stream":"\#(stream)","id":"\#(id)","version":1,"recordedAt":"2026-12-01T00:00:00.000001Z","data":\#(data),"metadata":{"a":"b","type":"BidSubmitted"}}"#
        #expect(Self.guess(exported) == "MemberRateSet")
        #expect(Self.guess(misled) == "BidSubmitted")
        // when each is parsed,
        let a = try Self.parse(exported), b = try Self.parse(misled)
        // then both give the event, its payload, and the time given.
        for line in [a, b] {
            #expect(line.decoded == event)
            #expect(line.event.payload == event.encodePayload())
            #expect(line.event.type == "MemberRateSet")
            #expect(line.event.recordedAt == Timestamp(microsecondsSinceEpoch: 1_796_083_200_000_001))
        }
        #expect(b.event.metadata == ["a": "b", "type": "BidSubmitted"])
    }

    @Test("given recordedAt with fewer fraction digits than export writes, when parsed, then the same instant as the six-digit form")
    func recordedAtInEveryFormIsTheSameInstant() throws {
        let data = #"{"availability":"limited","effectiveFrom":"2026-04-29","hoursPerWeek":16,"memberId":"5a1e0100-1234-4abc-8def-001122334401"}"#
        func line(_ time: String) -> String {
            #"{"data":\#(data),"recordedAt":"\#(time)","stream":"member-5a1e0100-1234-4abc-8def-001122334401","type":"MemberAvailabilityChanged"}"#
        }
        let six = try Self.parse(line("2026-12-01T00:00:00.100000Z")).event.recordedAt
        #expect(six == Timestamp(microsecondsSinceEpoch: 1_796_083_200_100_000))
        #expect(try Self.parse(line("2026-12-01T00:00:00.1Z")).event.recordedAt == six)
        #expect(throws: AdminError.self) { _ = try Self.parse(line("2026-12-01T24:00:00.000000Z")) }
        #expect(throws: AdminError.self) { _ = try Self.parse(line("2026-02-30T00:00:00.000000Z")) }
    }
}
