import EventLog
import Testing
@testable import Fabriek

@Suite("Test clock")
struct TimeSupportTests {
    @Test func parsesISOInstants() {
        #expect(time("2026-04-29T10:00:00Z").description == "2026-04-29T10:00:00.000000Z")
        #expect(time("2026-04-29T09:59:59Z").description == "2026-04-29T09:59:59.000000Z")
    }

    @Test func dayArithmetic() {
        #expect(time("2026-04-29T23:59:59Z").utcDay == day("2026-04-29"))
        #expect(day("2026-01-31").adding(months: 1) == day("2026-02-28"))
        #expect(day("2026-01-01").adding(months: 24).adding(days: -1) == day("2027-12-31"))
        #expect(time("2026-04-29T10:00:00Z").adding(days: 20) == time("2026-05-19T10:00:00Z"))
    }
}

@Suite struct SplitMix64Tests {
    @Test func sequenceMatchesTheReferenceImplementation() {
        // Given seed 0, the reference SplitMix64 (Vigna's splitmix64.c) starts with these values.
        var r = SplitMix64(seed: 0)
        #expect([r.next(), r.next(), r.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }
}
