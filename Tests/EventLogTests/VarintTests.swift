import EventLog
import Testing

/// The one varint codec (used by the log's records, the protobuf event codec and the bench's
/// workload codec): the protobuf base-128 layout, every 64-bit value, and damaged input refused.
@Suite struct VarintTests {
    static let samples: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 35, UInt64(Int64.max), 1 << 63, .max]

    private func encoded(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        Varint.append(value, to: &bytes)
        return bytes
    }

    private func decoded(_ bytes: [UInt8]) throws -> (value: UInt64, consumed: Int) {
        var offset = 0
        let value = try bytes.withUnsafeBytes { raw in
            try Varint.decode(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 0x10)!, offset: &offset, end: raw.count)
        }
        return (value, offset)
    }

    @Test func givenKnownValues_whenEncoded_thenTheBytesAreTheProtobufLayout() {
        #expect(encoded(0) == [0x00])
        #expect(encoded(127) == [0x7F])
        #expect(encoded(128) == [0x80, 0x01])
        #expect(encoded(300) == [0xAC, 0x02])
        #expect(encoded(.max) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test(arguments: samples)
    func givenAValue_whenEncodedAndDecoded_thenItComesBackWithItsSize(value: UInt64) throws {
        let bytes = encoded(value)
        #expect(bytes.count == Varint.size(of: value))
        #expect(bytes.count <= Varint.maxSize)
        var emitted: [UInt8] = []
        Varint.encode(value) { emitted.append($0) }
        #expect(emitted == bytes)
        let (back, consumed) = try decoded(bytes + [0x55])  // a following byte is not read
        #expect(back == value)
        #expect(consumed == bytes.count)
    }

    @Test func givenInputThatEndsInsideAVarint_whenDecoded_thenItIsTruncated() {
        #expect(throws: VarintError.truncated) { _ = try decoded([]) }
        #expect(throws: VarintError.truncated) { _ = try decoded([0x80]) }
        #expect(throws: VarintError.truncated) { _ = try decoded(Array(encoded(.max).dropLast())) }
    }

    @Test func givenAVarintBeyond64Bits_whenDecoded_thenItOverflows() {
        // A tenth byte of 2 would need bit 64; eleven bytes never fit.
        #expect(throws: VarintError.overflows) { _ = try decoded(Array(repeating: 0xFF, count: 9) + [0x02]) }
        #expect(throws: VarintError.overflows) { _ = try decoded(Array(repeating: 0x80, count: 10) + [0x00]) }
    }
}
