import Events
import Foundation

/// The data of a new register entry, as a coordinator or the freelancer enters it.
///
/// Personal details arrive in plaintext; the decider validates and normalises them and puts only
/// their sealed form in `MemberRegistered`.
public struct RegisterMember: Sendable, Hashable {
    public var memberId: UUID
    public var kind: MemberKind
    public var residenceCountry: CountryCode
    public var personal: PersonalDetails
    public var tradeName: String?
    /// KvK, KBO, USt-IdNr or other register entries; validated per scheme and unique (invariant 10).
    public var registryIds: [RegistryId]
    /// NL, BE or DE VAT ids are checked; others are kept as given.
    public var vatId: String?
    /// A Maastricht buurt from the reference data.
    public var buurt: String?
    /// SBI 2025 codes (5 digits).
    public var sbiCodes: [String]
    public var joinedOn: Day

    public init(memberId: UUID, kind: MemberKind, residenceCountry: CountryCode, personal: PersonalDetails,
                tradeName: String? = nil, registryIds: [RegistryId] = [], vatId: String? = nil,
                buurt: String? = nil, sbiCodes: [String] = [], joinedOn: Day) {
        self.memberId = memberId
        self.kind = kind
        self.residenceCountry = residenceCountry
        self.personal = personal
        self.tradeName = tradeName
        self.registryIds = registryIds
        self.vatId = vatId
        self.buurt = buurt
        self.sbiCodes = sbiCodes
        self.joinedOn = joinedOn
    }
}
