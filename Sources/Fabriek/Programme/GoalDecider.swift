import Events

/// The decider of a programme goal: a target for a KPI of the reference data in one period.
/// Setting the same target again changes nothing (no event).
public enum GoalDecider: Decider {
    public static let initialState = GoalState.initial

    /// The stream of the goal for `kpiCode` in `period`, e.g. `goal-LER-1-2026`.
    public static func streamId(kpiCode: String, period: String) -> String { StreamID.goal(kpiCode: kpiCode, period: period) }

    public static func decide(_ command: GoalCommand, state: GoalState,
                              context: DecisionContext) throws(DomainError) -> [ProgrammeEvent] {
        switch command {
        case .set(let g):
            guard !g.period.trimmingWhitespace.isEmpty else {
                throw .validation(ValidationError(field: "period", rule: .required, value: g.period))
            }
            guard let kpi = context.reference.kpis.kpi(g.kpiCode) else { throw .unknownKPI(code: g.kpiCode) }
            guard kpi.focusArea == g.focusArea.rawValue else {
                throw .kpiFocusAreaMismatch(kpi: g.kpiCode, focusArea: g.focusArea, expected: kpi.focusArea)
            }
            if let current = state.current, current.kpiCode != g.kpiCode || current.period != g.period {
                throw .goalStreamMismatch(expected: streamId(kpiCode: current.kpiCode, period: current.period),
                                          actual: streamId(kpiCode: g.kpiCode, period: g.period))
            }
            guard g.endsOn >= g.startsOn else { throw .endBeforeStart(start: g.startsOn, end: g.endsOn) }
            guard g.targetValue >= 0 else { throw .targetNegative(value: g.targetValue) }
            let event = ProgrammeGoalSet(focusArea: g.focusArea, kpiCode: g.kpiCode, period: g.period,
                                         startsOn: g.startsOn, endsOn: g.endsOn, targetValue: g.targetValue,
                                         scale: g.scale)
            if state.current == event { return [] }
            return [.goalSet(event)]
        }
    }

    public static func evolve(_ state: GoalState, _ event: ProgrammeEvent) -> GoalState {
        if case .goalSet(let e) = event { return GoalState(current: e) }
        return state
    }
}
