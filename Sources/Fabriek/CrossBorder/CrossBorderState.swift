import Events
import Foundation

/// What the cross-border decider knows of an assignment.
public struct CrossBorderState: Sendable, Hashable {
    public var assignmentId: UUID?
    public var memberId: UUID?
    public var startsOn: Day
    public var endsOn: Day
    public var socialSecurityBasis: SocialSecurityBasis
    public var a1Status: A1Status?
    public var isEnded: Bool

    public static let initial = CrossBorderState(assignmentId: nil, memberId: nil, startsOn: Day(daysSinceEpoch: 0),
                                                 endsOn: Day(daysSinceEpoch: 0), socialSecurityBasis: .residence,
                                                 a1Status: nil, isEnded: false)
}
