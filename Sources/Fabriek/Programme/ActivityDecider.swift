import Events
import Foundation

/// The decider of a programme activity: what was held, for which focus areas, who attended,
/// and the training time members followed.
public enum ActivityDecider: Decider {
    public static let initialState = ActivityState.initial

    /// The stream of an activity.
    public static func streamId(_ id: UUID) -> String { StreamID.activity(id) }

    public static func decide(_ command: ActivityCommand, state: ActivityState,
                              context: DecisionContext) throws(DomainError) -> [ProgrammeEvent] {
        switch command {
        case .hold(let h):
            guard state.activityId == nil else { throw .alreadyExists(stream: streamId(h.activityId)) }
            return [.activityHeld(try hold(h, context: context))]

        case let .recordTrainingHours(member, minutes):
            guard let id = state.activityId else { throw .notFound(stream: "activity") }
            guard state.activityType == .training || state.activityType == .workshop else {
                throw .notATraining(activityType: state.activityType)
            }
            guard state.attendingMemberIds.contains(member) else { throw .notAnAttendee(member: member) }
            if context.members.status(of: member) == .erased { throw .memberErased(member: member) }
            guard minutes > 0 else { throw .durationNotPositive(minutes: minutes) }
            guard minutes <= state.durationMinutes else {
                throw .trainingMinutesExceedDuration(minutes: minutes, duration: state.durationMinutes)
            }
            return [.trainingHoursRecorded(TrainingHoursRecorded(activityId: id, memberId: member,
                                                                 durationMinutes: minutes))]
        }
    }

    public static func evolve(_ state: ActivityState, _ event: ProgrammeEvent) -> ActivityState {
        var s = state
        if case .activityHeld(let e) = event {
            s.activityId = e.activityId
            s.activityType = e.activityType
            s.durationMinutes = e.durationMinutes
            s.attendingMemberIds = e.attendingMemberIds
        }
        return s
    }

    /// Today is taken as the UTC day of `now` plus one, so that an activity held this evening in
    /// Maastricht (UTC+1/+2) is never refused as "in the future".
    private static func hold(_ h: HoldActivity, context: DecisionContext) throws(DomainError) -> ProgrammeActivityHeld {
        guard !h.title.trimmingWhitespace.isEmpty else {
            throw .validation(ValidationError(field: "title", rule: .required, value: h.title))
        }
        guard !h.focusAreas.isEmpty else { throw .noFocusArea }
        guard h.durationMinutes > 0 else { throw .durationNotPositive(minutes: h.durationMinutes) }
        let latestDay = context.now.utcDay.adding(days: 1)
        guard h.heldOn <= latestDay else { throw .activityInFuture(heldOn: h.heldOn, today: context.now.utcDay) }
        if let buurt = h.buurt, !context.reference.maastricht.isBuurt(buurt) { throw .unknownBuurt(buurt: buurt) }
        var attendees: [UUID] = []
        for member in h.attendingMemberIds where !attendees.contains(member) {
            switch context.members.status(of: member) {
            case nil: throw .unknownMember(member: member)
            case .erased?: throw .memberErased(member: member)
            default: attendees.append(member)
            }
        }
        var focusAreas: [FocusArea] = []
        for area in h.focusAreas where !focusAreas.contains(area) { focusAreas.append(area) }
        return ProgrammeActivityHeld(activityId: h.activityId, title: h.title, focusAreas: focusAreas,
                                     activityType: h.activityType, heldOn: h.heldOn, durationMinutes: h.durationMinutes,
                                     buurt: h.buurt, attendingMemberIds: attendees,
                                     externalAttendeeCount: h.externalAttendeeCount, partners: h.partners,
                                     crossBorder: h.crossBorder)
    }
}
