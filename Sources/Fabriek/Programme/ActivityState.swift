import Events
import Foundation

/// What the activity decider knows of an activity.
public struct ActivityState: Sendable, Hashable {
    public var activityId: UUID?
    public var activityType: ActivityType
    public var durationMinutes: UInt32
    public var attendingMemberIds: [UUID]

    public static let initial = ActivityState(activityId: nil, activityType: .meetup, durationMinutes: 0,
                                              attendingMemberIds: [])
}
