import Events

/// A coarse price class for directory search, from a member's rate normalised to an hourly
/// figure (a day counts as 8 hours). Fixed prices have their own band.
public enum RateBand: String, Sendable, Hashable, CaseIterable {
    /// Under €40 an hour.
    case budget
    /// €40 up to €75 an hour.
    case standard
    /// €75 an hour or more.
    case premium
    /// A fixed price per job: not comparable per hour.
    case fixed

    public init(unit: RateUnit, amountCents: Int64) {
        let hourly: Int64
        switch unit {
        case .hour: hourly = amountCents
        case .day: hourly = amountCents / 8
        case .fixed: self = .fixed; return
        }
        self = hourly < 4_000 ? .budget : hourly < 7_500 ? .standard : .premium
    }
}
