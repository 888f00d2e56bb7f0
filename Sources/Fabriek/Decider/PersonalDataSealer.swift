import Events
import Foundation

/// Encrypts personal data with the data subject's key (crypto-shredding).
///
/// The decider validates plaintext and asks the sealer for the `SealedData` to put in the event,
/// so no plaintext personal data reaches the log. Implementations hold the key store; a test
/// sealer may be deterministic.
public protocol PersonalDataSealer: Sendable, BlindIndex {
    /// Seals a member's legal name, identifiers and contact details for `subject`.
    func seal(_ details: PersonalDetails, subject: UUID) throws -> SealedData
    /// Seals a verified register entry of `subject` (`MemberRegistryVerified`).
    func seal(_ registryId: RegistryId, subject: UUID) throws -> SealedData
    /// Seals a member's target-group declaration for `subject`.
    func seal(_ details: TargetGroupDetails, subject: UUID) throws -> SealedData
}
