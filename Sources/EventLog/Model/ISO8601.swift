/// ISO 8601 text for the log's instants and the catalogue's days, and the civil calendar under
/// it: the one implementation (`Timestamp.description`, `Timestamp(iso8601:)`, the event
/// catalogue's `Day` and canonical JSON all use it).
///
/// - Instants: `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC, always six fractional digits (27 bytes for
///   years 0000-9999); parsing also accepts no or 1-5 fractional digits, and nothing else (no
///   offsets, no lower-case `t`/`z`, no impossible dates such as `2020-02-30`).
/// - Days: `YYYY-MM-DD`.
/// - Calendar: proleptic Gregorian, days since 1970-01-01 (Howard Hinnant's `days_from_civil`
///   and `civil_from_days`), pure integer arithmetic: no Foundation, no `gmtime`, no locale.
///   Years outside 0000-9999 are written with as many digits as they need (and a `-` before
///   year 0), which no parser here accepts back.
public enum ISO8601 {
    /// Days since 1970-01-01 of a civil date (any integers; see `isValid` for a real date).
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day counted since 1970-01-01.
    @inlinable
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The number of days of `month` (1-12) in `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether `year-month-day` is a date of the calendar (month 1-12, day within the month).
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Appends `YYYY-MM-DD` of the day `days` since 1970-01-01.
    public static func appendDate(days: Int, to out: inout [UInt8]) {
        let (y, m, d) = civil(days: days)
        appendYear(y, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(m, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(d, width: 2, to: &out)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffffZ` of `t`.
    public static func appendInstant(_ t: Timestamp, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: instantLength))
        let written = out.withUnsafeMutableBufferPointer { write(t, into: UnsafeMutableBufferPointer(rebasing: $0[start...])) }
        if written { return }
        // A year outside 0000-9999: as many digits as it needs.
        out.removeLast(instantLength)
        let (days, micros) = split(t)
        appendDate(days: days, to: &out)
        let seconds = micros / 1_000_000
        out.append(UInt8(ascii: "T"))
        appendDigits(seconds / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(micros % 1_000_000, width: 6, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// The length of an instant's text in years 0000-9999.
    public static let instantLength = 27

    /// Writes the `instantLength` bytes of `t` at the start of `out` (which must hold them) and
    /// returns true; returns false, having written nothing, when the year is outside 0000-9999.
    /// Digit by digit into the caller's buffer: read models format an instant per event.
    @inlinable
    public static func write(_ t: Timestamp, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        let (days, micros) = split(t)
        let (y, m, d) = civil(days: days)
        guard (0...9999).contains(y) else { return false }
        let seconds = micros / 1_000_000
        @inline(__always) func put(_ value: Int, _ width: Int, at: Int, then: UInt8) {
            var v = value
            for k in stride(from: width - 1, through: 0, by: -1) {
                out[at + k] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
            out[at + width] = then
        }
        put(y, 4, at: 0, then: UInt8(ascii: "-"))
        put(m, 2, at: 5, then: UInt8(ascii: "-"))
        put(d, 2, at: 8, then: UInt8(ascii: "T"))
        put(seconds / 3600, 2, at: 11, then: UInt8(ascii: ":"))
        put(seconds / 60 % 60, 2, at: 14, then: UInt8(ascii: ":"))
        put(seconds % 60, 2, at: 17, then: UInt8(ascii: "."))
        put(micros % 1_000_000, 6, at: 20, then: UInt8(ascii: "Z"))
        return true
    }

    /// Days since 1970-01-01 and microseconds into that (UTC) day.
    @inlinable
    static func split(_ t: Timestamp) -> (days: Int, micros: Int) {
        let us = t.microsecondsSinceEpoch
        let perDay: Int64 = 86_400_000_000
        var days = us / perDay
        var rest = us % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        return (Int(days), Int(rest))
    }

    /// Days since 1970-01-01 of exactly `YYYY-MM-DD` (a real date); nil for anything else.
    @inlinable
    public static func parseDate<C: Collection<UInt8>>(_ text: C) -> Int? {
        if let days = text.withContiguousStorageIfAvailable({ parseDate(UnsafeRawBufferPointer($0)) }) { return days }
        return Array(text).withUnsafeBytes { parseDate($0) }
    }

    /// `parseDate` of bytes in memory. `@inlinable`, like `parseInstant(_:)` of bytes: the
    /// canonical JSON scanner (another module) reads every day and instant of an import
    /// through them.
    @inlinable
    public static func parseDate(_ text: UnsafeRawBufferPointer) -> Int? {
        guard text.count == 10, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-") else { return nil }
        let y = fixedDigits(text, at: 0, count: 4), m = fixedDigits(text, at: 5, count: 2), d = fixedDigits(text, at: 8, count: 2)
        guard y >= 0, m >= 0, d >= 0, isValid(year: y, month: m, day: d) else { return nil }
        return days(year: y, month: m, day: d)
    }

    /// The instant of `YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z`; nil for anything else.
    public static func parseInstant(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parseInstant(UnsafeRawBufferPointer($0)) }
    }

    /// `parseInstant` of bytes in memory.
    @inlinable
    public static func parseInstant(_ u: UnsafeRawBufferPointer) -> Timestamp? {
        guard u.count >= 20, u[u.count - 1] == UInt8(ascii: "Z"), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let day = parseDate(UnsafeRawBufferPointer(rebasing: u[0..<10])) else { return nil }
        let h = fixedDigits(u, at: 11, count: 2), m = fixedDigits(u, at: 14, count: 2), sec = fixedDigits(u, at: 17, count: 2)
        guard h >= 0, m >= 0, sec >= 0, h < 24, m < 60, sec < 60 else { return nil }
        var micros = 0
        if u.count > 20 {
            let n = u.count - 21
            guard u[19] == UInt8(ascii: "."), n >= 1, n <= 6 else { return nil }
            micros = fixedDigits(u, at: 20, count: n)
            guard micros >= 0 else { return nil }
            for _ in 0..<(6 - n) { micros *= 10 }
        }
        let seconds = Int64(day) * 86_400 + Int64(h * 3600 + m * 60 + sec)
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + Int64(micros))
    }

    /// The value of the `count` ASCII digits at `start` of `p` (which holds them), or -1 when one
    /// is not a digit; without a branch per digit.
    @inlinable
    static func fixedDigits(_ p: UnsafeRawBufferPointer, at start: Int, count: Int) -> Int {
        var v = 0, bad = false
        for k in start..<(start + count) {
            let d = p[k] &- 0x30
            bad = bad || d > 9
            v = v &* 10 &+ Int(d)
        }
        return bad ? -1 : v
    }

    /// Appends `value` (>= 0) as exactly `width` decimal digits, zero-padded (the lowest
    /// `width` digits of a larger value; callers pass values that fit).
    @inlinable
    public static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var v = value
        var i = start + width - 1
        while v > 0 && i >= start {
            out[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
    }

    /// A year in four digits, or in as many as it needs outside 0000-9999 (`-` before year 0).
    static func appendYear(_ year: Int, to out: inout [UInt8]) {
        if (0...9999).contains(year) { return appendDigits(year, width: 4, to: &out) }
        if year < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = year.magnitude
        appendDigits(Int(magnitude), width: max(4, String(magnitude).utf8.count), to: &out)
    }
}

extension Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z` (see `ISO8601`); nil for anything else.
    public init?(iso8601 text: String) {
        guard let t = ISO8601.parseInstant(text) else { return nil }
        self = t
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffffZ` (ASCII), the text of `description`.
    public func appendISO8601(to out: inout [UInt8]) {
        ISO8601.appendInstant(self, to: &out)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC (see `ISO8601`).
    public var iso8601: String {
        let text = String(unsafeUninitializedCapacity: ISO8601.instantLength) {
            ISO8601.write(self, into: $0) ? ISO8601.instantLength : 0
        }
        if !text.isEmpty { return text }
        var out = [UInt8]()
        ISO8601.appendInstant(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
