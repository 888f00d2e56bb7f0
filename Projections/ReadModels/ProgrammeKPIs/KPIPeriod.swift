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
}
