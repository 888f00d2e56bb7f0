import Events
import Foundation

/// What can be asked of a member's register entry (stream `member-{uuid}`).
public enum MemberCommand: Sendable, Hashable {
    /// Create the entry. Refused if the stream exists or a registry id is taken (invariant 10).
    case register(RegisterMember)
    /// Record that one of the member's registry ids was checked against its register.
    case verifyRegistry(RegistryId, source: String?)
    /// Replace the public profile.
    case updateProfile(headline: String?, description: String?, languages: [String],
                       serviceBuurten: [String], serviceRadiusKm: UInt32?, serviceCountries: [CountryCode])
    /// Replace skills and CPV interests (CPV codes are validated).
    case declareSkills(skills: [String], cpvInterests: [String])
    /// Set the indicative rate (> 0 cents).
    case setRate(unit: RateUnit, amountCents: Int64)
    /// Change availability for new work.
    case changeAvailability(Availability, hoursPerWeek: UInt32?, effectiveFrom: Day?, effectiveUntil: Day?)
    /// Declare target groups with consent; sealed before it is written.
    case declareTargetGroups(consentId: UUID, details: TargetGroupDetails)
    /// Withdraw a consent; accepted even after membership ended.
    case withdrawTargetGroups(consentId: UUID)
    /// End the membership; the entry stays.
    case endMembership(reason: MembershipEndReason, endedOn: Day)
    /// Erase the member: afterwards no command is accepted (invariant 11).
    case erase(reason: ErasureReason)
}
