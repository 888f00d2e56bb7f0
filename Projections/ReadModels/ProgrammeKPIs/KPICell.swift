import Foundation

/// One computed value of a programme KPI: a KPI, a period, a breakdown and a scaled value,
/// with the ids of the events it counts.
///
/// `value / 10^scale` is the figure (counts have scale 0, percentages scale 1, euros scale 2).
/// `basis` is the number of people or things the value rests on; a broken-down cell with a
/// basis of 1–4 is suppressed (`KPISuppression`).
public struct KPICell: Sendable, Hashable {
    public var kpi: String
    public var period: String
    /// `key=value` pairs joined by `;`, empty for the KPI's headline total.
    public var breakdown: String
    public var value: Int64
    public var scale: UInt32
    public var basis: Int64
    public var suppressed: Bool
    /// Event ids (lowercase UUID text), sorted; empty where tracing would identify people
    /// (target-group cells).
    public var evidence: [String]

    public init(kpi: String, period: String, breakdown: String = "", value: Int64, scale: UInt32 = 0,
                basis: Int64? = nil, suppressed: Bool = false, evidence: [String] = []) {
        self.kpi = kpi
        self.period = period
        self.breakdown = breakdown
        self.value = value
        self.scale = scale
        self.basis = basis ?? value
        self.suppressed = suppressed
        self.evidence = evidence.sorted()
    }

    /// The figure as decimal text, e.g. `12.5` for value 125 and scale 1; `x` when suppressed.
    public var displayValue: String {
        if suppressed { return "x" }
        guard scale > 0 else { return String(value) }
        var divisor: Int64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let sign = value < 0 ? "-" : ""
        let a = value.magnitude
        let frac = String(a % UInt64(divisor))
        return "\(sign)\(a / UInt64(divisor)).\(String(repeating: "0", count: Int(scale) - frac.count))\(frac)"
    }
}
