import Events

/// The goal currently in force for one KPI and period; `nil` before the first `ProgrammeGoalSet`.
public struct GoalState: Sendable, Hashable {
    public var current: ProgrammeGoalSet?

    public static let initial = GoalState(current: nil)
}
