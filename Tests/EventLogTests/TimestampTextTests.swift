import Foundation
import Testing
@testable import EventLog

/// `Timestamp.description` is the ISO 8601 text read models store: UTC, microseconds, `Z`.
@Suite struct TimestampTextTests {
    @Test func givenKnownInstants_whenFormatted_thenTheTextIsISO8601WithMicroseconds() {
        #expect(Timestamp(microsecondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp(microsecondsSinceEpoch: -1).description == "1969-12-31T23:59:59.999999Z")
        #expect(Timestamp(microsecondsSinceEpoch: 1_777_456_799_000_001).description == "2026-04-29T09:59:59.000001Z")
        #expect(Timestamp(microsecondsSinceEpoch: 253_402_300_799_999_999).description == "9999-12-31T23:59:59.999999Z")
    }

    @Test func givenInstantsOverCenturies_whenFormatted_thenTheyMatchPrintfOfTheCalendarFields() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let micros = Int64(bitPattern: x >> 8) % 8_000_000_000_000_000  // about ±250 years around 1970
            let t = Timestamp(microsecondsSinceEpoch: micros)
            let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                                  Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                                  Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(micros - seconds * 1_000_000))
            #expect(t.description == expected, "\(micros)")
        }
    }
}
