import Events
import Foundation

/// The data of a new consortium (combinatie). `lead` is optional here only so that a missing
/// lead is refused with a named error rather than failing to decode.
public struct FormConsortium: Sendable, Hashable {
    public var consortiumId: UUID
    public var name: String
    public var scope: ConsortiumScope
    /// Required when `scope` is `singleTender`.
    public var tenderId: UUID?
    /// The penvoerder; must be one of `members`.
    public var lead: UUID?
    /// All members including the lead, each with their acceptance of joint and several liability.
    public var members: [ConsortiumMembership]

    public init(consortiumId: UUID, name: String, scope: ConsortiumScope = .standing, tenderId: UUID? = nil,
                lead: UUID?, members: [ConsortiumMembership]) {
        self.consortiumId = consortiumId
        self.name = name
        self.scope = scope
        self.tenderId = tenderId
        self.lead = lead
        self.members = members
    }
}
