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

    /// ISO 8601 with microseconds, UTC, e.g. `2026-04-29T09:59:59.000000Z` (`iso8601`, the
    /// one formatter: see `ISO8601`).
    public var description: String { iso8601 }
}
