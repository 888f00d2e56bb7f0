import Events

/// What can be asked of a programme goal (stream `goal-{kpi}-{period}`).
public enum GoalCommand: Sendable, Hashable {
    /// Set (or reset) the target for one KPI in one period.
    case set(SetGoal)
}

/// A target for one KPI in one period, as a scaled integer (`targetValue / 10^scale`).
public struct SetGoal: Sendable, Hashable {
    public var focusArea: FocusArea
    /// A KPI code from the reference data, e.g. `LER-1`, belonging to `focusArea`.
    public var kpiCode: String
    /// Period label, e.g. `2026` or `2026-Q2`.
    public var period: String
    public var startsOn: Day
    public var endsOn: Day
    public var targetValue: Int64
    public var scale: UInt32

    public init(focusArea: FocusArea, kpiCode: String, period: String, startsOn: Day, endsOn: Day,
                targetValue: Int64, scale: UInt32 = 0) {
        self.focusArea = focusArea
        self.kpiCode = kpiCode
        self.period = period
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.targetValue = targetValue
        self.scale = scale
    }
}
