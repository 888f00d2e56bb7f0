import Events
import Foundation

/// What can be asked of a consortium (stream `consortium-{uuid}`). Every change of composition
/// is refused while the consortium has a live bid (invariant 6).
public enum ConsortiumCommand: Sendable, Hashable {
    /// Form the consortium: ≥ 2 active members, one lead among them, all liable (invariant 6).
    case form(FormConsortium)
    /// Add an active member who accepted joint and several liability.
    case addMember(ConsortiumMembership)
    /// Remove a member other than the lead, keeping at least 2.
    case removeMember(UUID, reason: String?)
    /// Make another (active) member the lead.
    case changeLead(UUID)
    /// Dissolve the consortium.
    case dissolve(reason: String?)
}
