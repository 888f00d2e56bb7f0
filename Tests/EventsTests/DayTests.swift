import EventLog
import Events
import Testing

@Suite struct DayTests {
    @Test func utcDayOfTimestamp() {
        let t = Timestamp(microsecondsSinceEpoch: 1_777_456_799_000_000) // 2026-04-29T09:59:59Z
        #expect(Day(utc: t).description == "2026-04-29")
        #expect(Day(utc: Timestamp(microsecondsSinceEpoch: -1)).description == "1969-12-31")
        #expect(Day(utc: Timestamp(microsecondsSinceEpoch: 0)).description == "1970-01-01")
    }
}
