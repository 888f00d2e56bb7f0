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
        guard (1...12).contains(month), day >= 1, day <= Day.daysInMonth(year: year, month: month),
              (-9999...9999).contains(year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.daysSinceEpoch = Int32(era * 146_097 + doe - 719_468)
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
        let u = Array(iso.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]), let d = Day.digits(u[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The civil date of this day.
    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        var out = [UInt8]()
        out.reserveCapacity(10)
        appendISO(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DD` (ASCII) to `out`.
    public func appendISO(to out: inout [UInt8]) {
        let (y, m, d) = components
        ISODigits.append(y, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        ISODigits.append(m, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        ISODigits.append(d, width: 2, to: &out)
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func digits(_ s: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for c in s {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int(c - UInt8(ascii: "0"))
        }
        return v
    }
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

/// Zero-padded decimal digits for ISO 8601 output.
enum ISODigits {
    static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var v = value < 0 ? -value : value
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var buf = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var i = width - 1
        while v > 0 && i >= 0 {
            buf[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        out.append(contentsOf: buf)
    }
}
