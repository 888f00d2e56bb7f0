import EventLog
import Events
import Foundation
import Testing

/// Encoding an event then decoding its payload gives back an equal event, for every type of the
/// catalogue and every shape its fields can take: the generated samples (CatalogueSamples.swift,
/// from tools/events-codegen) with optionals absent and present, repeated fields empty and full,
/// and the smallest and largest value of every field kind. This is what lets
/// `EventCatalogue.check(_:encodedFrom:)` (import's fast path) skip the decode.
@Suite struct CatalogueRoundTripTests {
    static let modes: [SampleValues.Mode] = [.least, .most] + (1...300).map { .random(seed: $0) }

    @Test func everyCatalogueTypeHasAGeneratedSample() {
        #expect(SampleValues.events.map(\.typeName) == EventCatalogue.entries.map(\.typeName))
    }

    @Test(arguments: SampleValues.events.map(\.typeName))
    func everySampleDecodesToItself(_ typeName: String) throws {
        let make = try #require(SampleValues.events.first { $0.typeName == typeName }).make
        var shapes = Set<[UInt8]>()
        for mode in Self.modes {
            // Given a sample event of the type,
            var values = SampleValues(mode)
            let event = make(&values)
            #expect(event.typeName == typeName)
            // when its payload is encoded and checked as every write path checks it,
            let proposed = ProposedEvent(type: event.typeName, schemaVersion: event.schemaVersion, payload: event.encodePayload())
            let decoded = try EventCatalogue.check(proposed)
            // then the decoded event is the event, and encodes to the same bytes,
            #expect(decoded == event, "\(typeName), \(mode)")
            #expect(decoded.encodePayload() == proposed.payload, "\(typeName), \(mode)")
            // and the check that does not decode gives the same event.
            #expect(try EventCatalogue.check(proposed, encodedFrom: event) == decoded)
            shapes.insert(proposed.payload)
        }
        #expect(shapes.count > Self.modes.count / 2, "the random samples differ")
    }

    @Test func everyOlderSchemaVersionDecodesToItself() throws {
        for legacy in SampleValues.legacyRoundTrips {
            for mode in Self.modes {
                var values = SampleValues(mode)
                #expect(try legacy.roundTrip(&values), "\(legacy.typeName), \(mode)")
            }
        }
    }

    @Test("given an event and a payload of another type or version, when checked without decoding, then the payload is decoded and refused")
    func theCheckWithoutDecodingFallsBackToDecoding() throws {
        var values = SampleValues(.most)
        let event = try #require(SampleValues.events.first { $0.typeName == "BidSubmitted" }).make(&values)
        for proposed in [ProposedEvent(type: "MemberRateSet", schemaVersion: 2, payload: [0, 0, 0]),
                         ProposedEvent(type: "BidSubmitted", schemaVersion: 99, payload: event.encodePayload()),
                         ProposedEvent(type: "NoSuchEvent", schemaVersion: 1, payload: event.encodePayload())] {
            #expect(throws: PayloadRejection.self) { _ = try EventCatalogue.check(proposed, encodedFrom: event) }
        }
    }
}
