import EventLog
import Events
import Foundation

/// Calendar quarters as sortable labels (`2026-Q2`): the period unit of programme KPIs.
/// Labels compare in time order as plain strings, so SQL can use `<=` and `BETWEEN` on them.
enum Quarter {
    /// The quarter containing `day`.
    static func label(_ day: Day) -> String {
        let c = day.components
        return "\(c.year)-Q\((c.month - 1) / 3 + 1)"
    }

    /// The quarter containing `time` (UTC).
    static func label(_ time: Timestamp) -> String { label(dayOf(time)) }

    /// The UTC calendar day of `time`.
    static func dayOf(_ time: Timestamp) -> Day {
        let micros = time.microsecondsSinceEpoch
        let days = micros >= 0 ? micros / 86_400_000_000 : (micros - 86_399_999_999) / 86_400_000_000
        return Day(daysSinceEpoch: Int32(days))
    }

    /// A label later than every quarter: "the state now".
    static let end = "9999-Q9"
}

extension Quarter {
    /// Whether `text` is a quarter label (`2026-Q2`).
    static func isLabel(_ text: String) -> Bool {
        let u = Array(text.utf8)
        return u.count == 7 && u[4] == UInt8(ascii: "-") && u[5] == UInt8(ascii: "Q") && u[..<4].allSatisfy { (48...57).contains($0) }
            && (49...52).contains(u[6])
    }
}
