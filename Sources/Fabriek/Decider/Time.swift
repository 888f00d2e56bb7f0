import EventLog
import Events

extension Timestamp {
    /// Microseconds in one day.
    static let microsecondsPerDay: Int64 = 86_400_000_000

    /// This instant plus `days` whole days of 24 hours.
    func adding(days: Int) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + Int64(days) * Timestamp.microsecondsPerDay)
    }

    /// The UTC calendar day containing this instant.
    var utcDay: Day {
        var days = microsecondsSinceEpoch / Timestamp.microsecondsPerDay
        if microsecondsSinceEpoch % Timestamp.microsecondsPerDay < 0 { days -= 1 }
        return Day(daysSinceEpoch: Int32(days))
    }
}

extension Day {
    /// This day plus `days` days.
    func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + Int32(days)) }

    /// The same day of the month `months` months later, clamped to the month's last day.
    func adding(months: Int) -> Day {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let year = total / 12, month = total % 12 + 1
        var day = d
        while Day(year: year, month: month, day: day) == nil { day -= 1 }
        return Day(year: year, month: month, day: day)!
    }

    /// The reference-data form of this day.
    var calendarDay: CalendarDay {
        let (y, m, d) = components
        return CalendarDay(year: y, month: m, day: d)
    }
}
