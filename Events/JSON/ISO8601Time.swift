import EventLog

/// The canonical text form of a `Timestamp`: `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, always six
/// fractional digits), the same text as `Timestamp.description` but without Foundation or
/// `gmtime`. Parsing also accepts no or fewer fractional digits.
public enum ISO8601Time {
    public static func format(_ t: Timestamp) -> [UInt8] {
        let us = t.microsecondsSinceEpoch
        var seconds = us / 1_000_000
        var micros = us % 1_000_000
        if micros < 0 { micros += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secOfDay = seconds % 86_400
        if secOfDay < 0 { secOfDay += 86_400; days -= 1 }
        var out = [UInt8]()
        out.reserveCapacity(27)
        Day(daysSinceEpoch: Int32(truncatingIfNeeded: days)).appendISO(to: &out)
        out.append(UInt8(ascii: "T"))
        ISODigits.append(Int(secOfDay / 3600), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        ISODigits.append(Int(secOfDay / 60 % 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        ISODigits.append(Int(secOfDay % 60), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        ISODigits.append(Int(micros), width: 6, to: &out)
        out.append(UInt8(ascii: "Z"))
        return out
    }

    public static func parse(_ s: String) -> Timestamp? {
        let u = Array(s.utf8)
        guard u.count >= 20, u.last == UInt8(ascii: "Z"), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let day = Day(iso: String(decoding: u[0..<10], as: UTF8.self)),
              let h = Day.digits(u[11..<13]), let m = Day.digits(u[14..<16]), let sec = Day.digits(u[17..<19]),
              h < 24, m < 60, sec < 60
        else { return nil }
        var micros = 0
        if u.count > 20 {
            guard u[19] == UInt8(ascii: "."), u.count - 21 >= 1, u.count - 21 <= 6,
                  let f = Day.digits(u[20..<(u.count - 1)]) else { return nil }
            micros = f
            for _ in 0..<(6 - (u.count - 21)) { micros *= 10 }
        } else if u.count != 20 {
            return nil
        }
        let seconds = Int64(day.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + sec)
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + Int64(micros))
    }
}
