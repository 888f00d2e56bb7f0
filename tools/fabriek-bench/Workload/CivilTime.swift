/// ISO-8601 instants (`2024-01-09T00:25:23Z`) and dates (`2024-02-05`) as integers, the way
/// Fabriek's own catalogue stores them (seconds or days since 1970-01-01, UTC) instead of 20 or
/// 10 bytes of text. Only the canonical spelling converts; `parse…` returns nil for anything
/// else, so `format(parse(s)) == s` whenever `parse(s)` is not nil.
enum CivilTime {
    /// Seconds since 1970-01-01T00:00:00Z of a canonical `YYYY-MM-DDTHH:MM:SSZ`.
    static func parseInstant(_ utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard utf8.count == 20, utf8[10] == UInt8(ascii: "T"), utf8[13] == UInt8(ascii: ":"),
              utf8[16] == UInt8(ascii: ":"), utf8[19] == UInt8(ascii: "Z"),
              let days = parseDate(UnsafeBufferPointer(rebasing: utf8[0..<10])),
              let h = digits(utf8, 11, 2), let m = digits(utf8, 14, 2), let s = digits(utf8, 17, 2),
              h < 24, m < 60, s < 60 else { return nil }
        return days * 86_400 + Int64(h * 3600 + m * 60 + s)
    }

    /// Days since 1970-01-01 of a canonical `YYYY-MM-DD` (years 0000-9999).
    static func parseDate(_ utf8: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
              let y = digits(utf8, 0, 4), let m = digits(utf8, 5, 2), let d = digits(utf8, 8, 2),
              (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m) else { return nil }
        return daysFromCivil(year: Int64(y), month: Int64(m), day: Int64(d))
    }

    static func formatInstant(_ seconds: Int64) -> String? {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = Int(seconds - days * 86_400)
        guard let date = civil(days) else { return nil }
        return String(unsafeUninitializedCapacity: 20) { out in
            write(date, into: out)
            out[10] = UInt8(ascii: "T")
            put(rest / 3600, 2, out, 11)
            out[13] = UInt8(ascii: ":")
            put(rest / 60 % 60, 2, out, 14)
            out[16] = UInt8(ascii: ":")
            put(rest % 60, 2, out, 17)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    static func formatDate(_ days: Int64) -> String? {
        guard let date = civil(days) else { return nil }
        return String(unsafeUninitializedCapacity: 10) { out in
            write(date, into: out)
            return 10
        }
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian; H. Hinnant's days_from_civil)

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(_ days: Int64) -> (year: Int, month: Int, day: Int)? {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return nil }
        return (Int(year), Int(month), Int(day))
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func digits(_ utf8: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int) -> Int? {
        var value = 0
        for i in at..<(at + count) {
            let c = utf8[i]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
        }
        return value
    }

    private static func write(_ date: (year: Int, month: Int, day: Int), into out: UnsafeMutableBufferPointer<UInt8>) {
        put(date.year, 4, out, 0)
        out[4] = UInt8(ascii: "-")
        put(date.month, 2, out, 5)
        out[7] = UInt8(ascii: "-")
        put(date.day, 2, out, 8)
    }

    private static func put(_ value: Int, _ width: Int, _ out: UnsafeMutableBufferPointer<UInt8>, _ at: Int) {
        var v = value
        for i in stride(from: at + width - 1, through: at, by: -1) {
            out[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
    }
}
