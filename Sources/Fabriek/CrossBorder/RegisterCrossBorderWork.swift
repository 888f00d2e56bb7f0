import Events
import Foundation

/// A YouRegion registration of work across a border, as the member or a coordinator enters it.
public struct RegisterCrossBorderWork: Sendable, Hashable {
    public var assignmentId: UUID
    public var memberId: UUID
    public var residenceCountry: CountryCode
    public var workCountry: CountryCode
    public var emrRegion: EmrRegion
    public var clientKind: ClientKind
    /// The client's country when it differs from the work country.
    public var clientCountry: CountryCode?
    public var startsOn: Day
    public var endsOn: Day
    /// SBI 2025 code of the activity.
    public var sbiActivity: String
    public var socialSecurityBasis: SocialSecurityBasis

    public init(assignmentId: UUID, memberId: UUID, residenceCountry: CountryCode, workCountry: CountryCode,
                emrRegion: EmrRegion, clientKind: ClientKind, clientCountry: CountryCode? = nil,
                startsOn: Day, endsOn: Day, sbiActivity: String, socialSecurityBasis: SocialSecurityBasis) {
        self.assignmentId = assignmentId
        self.memberId = memberId
        self.residenceCountry = residenceCountry
        self.workCountry = workCountry
        self.emrRegion = emrRegion
        self.clientKind = clientKind
        self.clientCountry = clientCountry
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.sbiActivity = sbiActivity
        self.socialSecurityBasis = socialSecurityBasis
    }
}
