import Events
import Foundation
import PersonalData

/// The personal-data vault seals personal data for the deciders: personal details bound to
/// `MemberRegistered`, verified register entries to `MemberRegistryVerified`, target groups bound to `MemberTargetGroupsDeclared`. Throws
/// `VaultError.subjectErased` for an erased member.
extension PersonalDataVault: PersonalDataSealer {
    public func seal(_ details: PersonalDetails, subject: UUID) throws -> SealedData {
        try MemberRegistered.seal(details, memberId: subject, in: self)
    }

    public func seal(_ registryId: RegistryId, subject: UUID) throws -> SealedData {
        try MemberRegistryVerified.seal(registryId, memberId: subject, in: self)
    }

    public func seal(_ details: TargetGroupDetails, subject: UUID) throws -> SealedData {
        try MemberTargetGroupsDeclared.seal(details, memberId: subject, in: self)
    }
}
