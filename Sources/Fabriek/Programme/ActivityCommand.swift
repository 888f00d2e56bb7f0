import Foundation

/// What can be asked of a programme activity (stream `activity-{uuid}`).
public enum ActivityCommand: Sendable, Hashable {
    /// Record that the activity was held.
    case hold(HoldActivity)
    /// Record the minutes of a training or workshop that an attending member followed.
    case recordTrainingHours(memberId: UUID, durationMinutes: UInt32)
}
