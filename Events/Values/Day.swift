import EventLog

/// A calendar day without time zone (a date such as "joined on" or "held on").
///
/// Stored as the number of days since 1970-01-01 (proleptic Gregorian calendar); on the wire an
/// `int32`, in JSON `YYYY-MM-DD`. Comparable by date; cheap to copy and hash.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int32

    @inlinable public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// The day with this civil date; nil when month or day is out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard ISO8601.isValid(year: year, month: month, day: day), (-9999...9999).contains(year) else { return nil }
        self.daysSinceEpoch = Int32(ISO8601.days(year: year, month: month, day: day))
    }

    /// The UTC day that contains `timestamp`.
    public init(utc timestamp: Timestamp) {
        let perDay: Int64 = 86_400_000_000
        let us = timestamp.microsecondsSinceEpoch
        var days = us / perDay
        if us % perDay < 0 { days -= 1 }
        self.init(daysSinceEpoch: Int32(truncatingIfNeeded: days))
    }

    /// The first and the last microsecond of this day in UTC.
    public var utcStart: Timestamp { Timestamp(microsecondsSinceEpoch: Int64(daysSinceEpoch) * 86_400_000_000) }
    public var utcEnd: Timestamp { Timestamp(microsecondsSinceEpoch: (Int64(daysSinceEpoch) + 1) * 86_400_000_000 - 1) }

    /// Parses `YYYY-MM-DD`; nil for anything else.
    public init?(iso: String) {
        guard let days = ISO8601.parseDate(Array(iso.utf8)) else { return nil }
        self.init(daysSinceEpoch: Int32(days))
    }

    /// The civil date of this day.
    public var components: (year: Int, month: Int, day: Int) { ISO8601.civil(days: Int(daysSinceEpoch)) }

    /// `YYYY-MM-DD`.
    public var description: String {
        var out = [UInt8]()
        out.reserveCapacity(10)
        appendISO(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DD` (ASCII) to `out`.
    public func appendISO(to out: inout [UInt8]) { ISO8601.appendDate(days: Int(daysSinceEpoch), to: &out) }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}

extension Day {
    /// This day plus `days` days.
    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + Int32(days)) }

    /// The same day of the month `months` months later, clamped to the month's last day.
    public func adding(months: Int) -> Day {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let year = total / 12, month = total % 12 + 1
        var day = d
        while Day(year: year, month: month, day: day) == nil { day -= 1 }
        return Day(year: year, month: month, day: day)!
    }
}

extension Timestamp {
    /// This instant plus `days` whole days of 24 hours.
    public func adding(days: Int) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + Int64(days) * 86_400_000_000)
    }

    /// The UTC calendar day containing this instant.
    public var utcDay: Day { Day(utc: self) }
}

/// `YYYY-MM-DD` in JSON and other `Codable` formats (e.g. a reference file's `validFrom`).
extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected a date YYYY-MM-DD, got '\(text)'"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
