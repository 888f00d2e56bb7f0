import Foundation

/// A point in time with microsecond precision, as the log records it (`recordedAt`).
///
/// Stored as microseconds since 1970-01-01T00:00:00Z. The log never lets recorded times
/// decrease along positions, so a time can be mapped back to a position.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(_ date: Date) {
        self.microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// The current wall-clock time.
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// ISO 8601 with microseconds, UTC, e.g. `2026-04-29T09:59:59.000000Z`.
    public var description: String {
        let seconds = microsecondsSinceEpoch >= 0 ? microsecondsSinceEpoch / 1_000_000
            : (microsecondsSinceEpoch - 999_999) / 1_000_000
        let micros = microsecondsSinceEpoch - seconds * 1_000_000
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        // Written digit by digit: read models format an instant per event, and `String(format:)`
        // costs about ten times as much.
        let fields: [(value: Int, width: Int, then: UInt8)] = [
            (Int(parts.tm_year) + 1900, 4, UInt8(ascii: "-")), (Int(parts.tm_mon) + 1, 2, UInt8(ascii: "-")),
            (Int(parts.tm_mday), 2, UInt8(ascii: "T")), (Int(parts.tm_hour), 2, UInt8(ascii: ":")),
            (Int(parts.tm_min), 2, UInt8(ascii: ":")), (Int(parts.tm_sec), 2, UInt8(ascii: ".")), (Int(micros), 6, UInt8(ascii: "Z")),
        ]
        guard (0...9999).contains(fields[0].value) else {
            return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                          Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                          Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(micros))
        }
        return String(unsafeUninitializedCapacity: 27) { out in
            var i = 0
            for field in fields {
                var value = field.value
                for k in stride(from: field.width - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                out[i + field.width] = field.then
                i += field.width + 1
            }
            return i
        }
    }
}
