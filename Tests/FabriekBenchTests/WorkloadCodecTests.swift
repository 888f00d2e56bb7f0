import Testing
@testable import fabriek_bench

/// The workload's payload codec stores instants and dates as integers only when the text comes
/// back byte for byte; everything else is kept as text.
@Suite("Workload codec")
struct WorkloadCodecTests {
    static func roundTrip(_ event: WorkloadEvent) throws -> (WorkloadEvent, Int) {
        var bytes: [UInt8] = []
        WorkloadCodec.encode(event, into: &bytes)
        let decoded = try bytes.withUnsafeBytes { try WorkloadCodec.decode(event.kind, from: $0) }
        return (decoded, bytes.count)
    }

    static func crossBorder(start: String, end: String, registeredAt: String) -> WorkloadEvent {
        .crossBorderWorkRegistered(CrossBorderWorkRegistered(
            registrationId: "X1", kvk: "12345678", country: .be, days: 3, periodStart: start, periodEnd: end,
            clientName: "Maes BV", clientVat: "BE0536152148", a1Certificate: "A1-NL-2024-1", registeredAt: registeredAt))
    }

    @Test("given canonical instants and dates, including leap days and the ends of the calendar, when encoded and decoded, then the very same text comes back, stored smaller")
    func canonicalValuesRoundTrip() throws {
        let cases = [("2024-02-29", "2024-03-01", "2024-02-29T23:59:59Z"),
                     ("1970-01-01", "1969-12-31", "1970-01-01T00:00:00Z"),
                     ("0000-01-01", "9999-12-31", "1900-03-01T12:00:00Z"),
                     ("2000-02-29", "2100-02-28", "9999-12-31T23:59:59Z")]
        for (start, end, at) in cases {
            let event = Self.crossBorder(start: start, end: end, registeredAt: at)
            let (decoded, size) = try Self.roundTrip(event)
            #expect(decoded == event)
            let (_, textSize) = try Self.roundTrip(Self.crossBorder(start: "x" + start, end: "x" + end, registeredAt: "x" + at))
            #expect(size + 25 <= textSize, "\(start) \(end) \(at): \(size) bytes against \(textSize) as text")
        }
    }

    @Test("given text that only looks like an instant or a date, when encoded and decoded, then it comes back unchanged",
          arguments: ["2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "", "2024-01-01Z",
                      "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:60Z", "2024-01-01T00:00:00+01:00",
                      "2024-01-01 00:00:00Z", "2024-01-01T00:00:00z", "２０２４-01-01", "2024-01-01T00:00:00.5Z"])
    func lookalikesStayText(_ text: String) throws {
        let event = Self.crossBorder(start: text, end: text, registeredAt: text)
        #expect(try Self.roundTrip(event).0 == event)
    }
}
