import Events
import Foundation

/// A programme activity that took place: a meetup, training, workshop, advice or matchmaking session.
public struct HoldActivity: Sendable, Hashable {
    public var activityId: UUID
    public var title: String
    /// At least one.
    public var focusAreas: [FocusArea]
    public var activityType: ActivityType
    /// Not after today.
    public var heldOn: Day
    public var durationMinutes: UInt32
    /// A Maastricht buurt from the reference data, if held in Maastricht.
    public var buurt: String?
    /// Members who attended (each must exist and not be erased); duplicates are dropped.
    public var attendingMemberIds: [UUID]
    public var externalAttendeeCount: UInt32
    public var partners: [String]
    public var crossBorder: Bool

    public init(activityId: UUID, title: String, focusAreas: [FocusArea], activityType: ActivityType, heldOn: Day,
                durationMinutes: UInt32, buurt: String? = nil, attendingMemberIds: [UUID] = [],
                externalAttendeeCount: UInt32 = 0, partners: [String] = [], crossBorder: Bool = false) {
        self.activityId = activityId
        self.title = title
        self.focusAreas = focusAreas
        self.activityType = activityType
        self.heldOn = heldOn
        self.durationMinutes = durationMinutes
        self.buurt = buurt
        self.attendingMemberIds = attendingMemberIds
        self.externalAttendeeCount = externalAttendeeCount
        self.partners = partners
        self.crossBorder = crossBorder
    }
}
