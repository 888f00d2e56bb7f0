import Foundation

/// One computed value of a programme KPI: a KPI, a period, a breakdown and a scaled value,
/// with the events it counts.
///
/// `value / 10^scale` is the figure in `unit` (counts scale 0, percentages and hours scale 1,
/// euros scale 2). `basis` is the number of people or things the value rests on; a
/// broken-down cell with a basis of 1–4 is suppressed (`KPISuppression`). A share whose
/// denominator is 0 has no figure: it shows `–`.
public struct KPICell: Sendable, Hashable {
    /// What the value measures, and so how it is recomputed from its contributions.
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        /// A count: the sum of the counted lines' +1.
        case count
        /// A count of distinct things (people, clients) named by the counted lines.
        case distinct
        /// Euro cents (scale 2): the sum of the counted amounts.
        case euro
        /// Hours with one decimal (scale 1) from the counted minutes, rounded half up.
        case hours
        /// Percent with one decimal (scale 1): counted / base (or `denominator`), half up.
        case percent
    }

    public var kpi: String
    public var period: String
    /// `key=value` pairs joined by `;`, empty for the KPI's headline total.
    public var breakdown: String
    public var value: Int64
    public var scale: UInt32
    public var unit: Unit
    public var basis: Int64
    public var suppressed: Bool
    /// True when the value rests on inputs the computation could not read (sealed data without
    /// keys, or of members erased since the as-of position); the annex says which.
    public var incomplete: Bool
    /// A fixed denominator of a percentage (FAC-1's ~10,000 Maastricht freelancers), else nil.
    public var denominator: Int64?
    /// The events the value rests on, in no particular order; empty where tracing would identify
    /// people (target-group cells). Kept when the cell is suppressed, never published.
    public var contributions: [KPIContribution]

    public init(kpi: String, period: String, breakdown: String = "", value: Int64, scale: UInt32 = 0, unit: Unit? = nil,
                basis: Int64? = nil, suppressed: Bool = false, denominator: Int64? = nil, contributions: [KPIContribution] = []) {
        self.kpi = kpi
        self.period = period
        self.breakdown = breakdown
        self.value = value
        self.scale = scale
        self.unit = unit ?? (scale == 2 ? .euro : scale == 1 ? .percent : .count)
        self.basis = basis ?? value
        self.suppressed = suppressed
        self.incomplete = false
        self.denominator = denominator
        self.contributions = contributions
    }

    /// The ids of the counted events, sorted (the `kpi_evidence` audit trail).
    public var evidence: [String] { contributions.filter { $0.role == .counted }.map(\.eventId).sorted() }

    /// True for a share with nothing to divide by (0/0): no figure, shown as `–`.
    public var isUndefined: Bool { unit == .percent && !suppressed && (denominator ?? basis) == 0 }

    /// The figure as decimal text, e.g. `12.5` for value 125 and scale 1; `x` when suppressed,
    /// `–` for a share of nothing.
    public var displayValue: String {
        if suppressed { return "x" }
        if isUndefined { return "–" }
        guard scale > 0 else { return String(value) }
        var divisor: Int64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let sign = value < 0 ? "-" : ""
        let a = value.magnitude
        let frac = String(a % UInt64(divisor))
        return "\(sign)\(a / UInt64(divisor)).\(String(repeating: "0", count: Int(scale) - frac.count))\(frac)"
    }
}
