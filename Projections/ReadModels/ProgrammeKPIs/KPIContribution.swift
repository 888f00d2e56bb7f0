/// One event's part in a KPI cell: the audit trail that `KPITrace` prints.
///
/// `counted` lines add to the figure (a count's +1, an award's cents, a training's minutes,
/// a share's numerator); `base` lines make the denominator of a share. For distinct counts
/// (`KPICell.Unit.distinct`) an event contributes the things it names that no earlier line
/// named; what it names (`keys`) stays in memory and is never printed.
public struct KPIContribution: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        case counted, base
    }

    /// The event's id (lowercase UUID text).
    public var eventId: String
    public var role: Role
    /// +1 for counts, cents for euros, minutes for hours.
    public var amount: Int64
    /// For distinct counts: opaque keys of what the event names (e.g. attending members).
    public var keys: [String]

    public init(_ eventId: String, _ role: Role = .counted, amount: Int64 = 1, keys: [String] = []) {
        self.eventId = eventId
        self.role = role
        self.amount = amount
        self.keys = keys
    }
}
