/// A reporting period: a label and an inclusive range of quarters.
///
/// Flow KPIs (jobs published, hours trained) count facts whose quarter lies in the range;
/// stock KPIs (active members, register size) take the state at the end of `last`.
public struct KPIPeriod: Sendable, Hashable {
    public var label: String
    public var first: String
    public var last: String

    /// The whole programme up to the as-of position.
    public static let programme = KPIPeriod(label: "programme", first: "0000-Q0", last: Quarter.end)

    public static func quarter(_ q: String) -> KPIPeriod { KPIPeriod(label: q, first: q, last: q) }

    /// The period a goal label names: `2026` (a year), `2026-Q2` (a quarter) or `programme`;
    /// nil for anything else.
    public static func goalPeriod(_ label: String) -> KPIPeriod? {
        if label == "programme" { return .programme }
        if label.count == 4, Int(label) != nil { return KPIPeriod(label: label, first: label + "-Q1", last: label + "-Q4") }
        if label.count == 7, label.contains("-Q") { return .quarter(label) }
        return nil
    }
}
