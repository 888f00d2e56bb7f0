import Events
import Foundation

/// A consortium's composition as its own stream records it.
public struct ConsortiumState: Sendable, Hashable {
    public var consortiumId: UUID?
    public var leadMemberId: UUID?
    public var members: [ConsortiumMembership]
    public var isDissolved: Bool

    public static let initial = ConsortiumState(consortiumId: nil, leadMemberId: nil, members: [], isDissolved: false)

    public var memberIds: [UUID] { members.map(\.memberId) }
}
