/// The entry point of the protobuf payload decoder's fuzzer (`tools/fabriek-fuzz payload`) and
/// of the test that replays its corpus (Tests/EventsTests/PayloadFuzzCorpusTests): arbitrary
/// bytes must decode or throw, never crash, hang or allocate out of proportion.
package enum PayloadFuzzTarget {
    /// Input: `[type index, schema version, payload...]`; the type is
    /// `EventCatalogue.entries[index % count]`. A payload that decodes is encoded again, and that
    /// encoding must decode to the same bytes once more (a trap otherwise: the fuzzer's finding).
    package static func run(_ input: UnsafeRawBufferPointer) {
        guard input.count >= 2 else { return }
        let entry = EventCatalogue.entries[Int(input[0]) % EventCatalogue.entries.count]
        let payload = UnsafeRawBufferPointer(rebasing: input[2...])
        guard let event = try? EventCatalogue.decode(type: entry.typeName, schemaVersion: UInt32(input[1]), payload: payload) else { return }
        let encoded = event.encodePayload()
        let again = encoded.withUnsafeBytes { try? EventCatalogue.decode(type: entry.typeName, schemaVersion: entry.schemaVersion, payload: $0) }
        guard let again else { fatalError("\(entry.typeName): a decoded payload, encoded again, does not decode") }
        precondition(again.encodePayload() == encoded, "\(entry.typeName): encoding is not stable across a decode")
    }
}
