import Testing
@testable import EventLog

/// `ISO8601` is the one text form of instants and days: `Timestamp.description`,
/// `Timestamp(iso8601:)`, the catalogue's `Day` and canonical JSON all go through it.
@Suite struct ISO8601Tests {
    @Test("given instants at the edges, when written and parsed, then the same instant and the same text as description")
    func instantsRoundTrip() {
        for us: Int64 in [0, -1, 1, -1_000_000, 951_782_400_000_000, 4_107_542_400_000_000, 253_402_300_799_999_999,
                          -62_167_219_200_000_000, 1_777_456_800_000_000] {
            let t = Timestamp(microsecondsSinceEpoch: us)
            var bytes: [UInt8] = []
            t.appendISO8601(to: &bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text == t.description && text == t.iso8601)
            #expect(bytes.count == ISO8601.instantLength)
            #expect(Timestamp(iso8601: text) == t, "\(text)")
        }
        #expect(Timestamp(microsecondsSinceEpoch: 951_782_400_000_000).description == "2000-02-29T00:00:00.000000Z")
        #expect(Timestamp(microsecondsSinceEpoch: -62_167_219_200_000_000).description == "0000-01-01T00:00:00.000000Z")
    }

    @Test("given texts with fewer fractional digits, when parsed, then the same instant; offsets, bad dates and other spellings are refused")
    func parsingIsStrict() {
        #expect(Timestamp(iso8601: "2026-04-29T10:00:00Z") == Timestamp(microsecondsSinceEpoch: 1_777_456_800_000_000))
        #expect(Timestamp(iso8601: "2026-04-29T10:00:00.5Z") == Timestamp(microsecondsSinceEpoch: 1_777_456_800_500_000))
        #expect(Timestamp(iso8601: "2026-04-29T10:00:00.000001Z") == Timestamp(microsecondsSinceEpoch: 1_777_456_800_000_001))
        for bad in ["2026-04-29T10:00:00+01:00", "2026-04-29T10:00:00.0000001Z", "2026-04-29T10:00:00.Z", "2026-04-29t10:00:00Z",
                    "2026-04-29T10:00:00z", "2020-02-30T10:00:00Z", "2026-13-01T10:00:00Z", "2026-04-29T24:00:00Z",
                    "2026-04-29T10:60:00Z", "2026-04-29 10:00:00Z", "2026-4-29T10:00:00Z", "", "2026-04-29"] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }

    @Test("given every day from 1600 to 2400, when converted to a civil date and back, then the same day, in order, each valid")
    func theCalendarRoundTrips() {
        let first = ISO8601.days(year: 1600, month: 1, day: 1), last = ISO8601.days(year: 2400, month: 12, day: 31)
        var previous = (year: 1599, month: 12, day: 31)
        for days in first...last {
            let c = ISO8601.civil(days: days)
            #expect(ISO8601.isValid(year: c.year, month: c.month, day: c.day))
            #expect(ISO8601.days(year: c.year, month: c.month, day: c.day) == days)
            let next = c.day == 1 && (c.month == 1 ? previous.month == 12 && previous.year + 1 == c.year : previous.month + 1 == c.month)
                || (c.day == previous.day + 1 && c.month == previous.month && c.year == previous.year)
            if !next { Issue.record("\(previous) then \(c)"); return }
            previous = c
        }
        #expect(ISO8601.days(year: 1970, month: 1, day: 1) == 0)
        #expect(ISO8601.isValid(year: 2000, month: 2, day: 29) && !ISO8601.isValid(year: 1900, month: 2, day: 29))
        #expect(!ISO8601.isValid(year: 2100, month: 2, day: 29) && ISO8601.isValid(year: 2024, month: 2, day: 29))
    }

    @Test("given days, when written as YYYY-MM-DD and parsed, then the same day; impossible dates are refused")
    func datesRoundTrip() {
        for days in [-719_528, -1, 0, 1, 20_572, 2_932_896] {
            var out: [UInt8] = []
            ISO8601.appendDate(days: days, to: &out)
            #expect(ISO8601.parseDate(out) == days, "\(String(decoding: out, as: UTF8.self))")
        }
        for bad in ["2020-02-30", "2025-02-29", "2026-00-10", "2026-04-31", "26-04-29", "2026/04/29", "2026-04-2a"] {
            #expect(ISO8601.parseDate(Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    @Test("given years outside 0000-9999, when written, then with the digits they need and a sign before year 0")
    func yearsOutsideFourDigits() {
        #expect(Timestamp(microsecondsSinceEpoch: 253_402_300_800_000_000).description == "10000-01-01T00:00:00.000000Z")
        #expect(Timestamp(microsecondsSinceEpoch: -62_167_219_200_000_001).description == "-0001-12-31T23:59:59.999999Z")
    }
}
