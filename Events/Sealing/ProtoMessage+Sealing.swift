import Foundation

extension ProtoMessage {
    /// This message encoded and sealed for `subject` in events of type `eventType`.
    public func sealed(for subject: UUID, eventType: String, in vault: some PersonalDataKeys) throws -> SealedData {
        try vault.seal(encodePayload(), subject: subject, eventType: eventType)
    }

    /// The message sealed in `sealed`; nil when the subject was erased.
    public static func unsealed(_ sealed: SealedData, subject: UUID, eventType: String,
                                in vault: some PersonalDataKeys) throws -> Self? {
        guard let plain = try vault.open(sealed, subject: subject, eventType: eventType) else { return nil }
        return try Self(payload: plain)
    }
}

extension MemberRegistered {
    /// The member's decrypted personal details; nil once the member is erased.
    public func personalDetails(in vault: some PersonalDataKeys) throws -> PersonalDetails? {
        try PersonalDetails.unsealed(personal, subject: memberId, eventType: Self.typeName, in: vault)
    }

    /// Seals `details` for a new `MemberRegistered` of `memberId`.
    public static func seal(_ details: PersonalDetails, memberId: UUID, in vault: some PersonalDataKeys) throws -> SealedData {
        try details.sealed(for: memberId, eventType: typeName, in: vault)
    }
}

extension MemberTargetGroupsDeclared {
    /// The decrypted target-group details; nil once the member is erased.
    public func targetGroupDetails(in vault: some PersonalDataKeys) throws -> TargetGroupDetails? {
        try TargetGroupDetails.unsealed(details, subject: memberId, eventType: Self.typeName, in: vault)
    }

    /// Seals `details` for a new `MemberTargetGroupsDeclared` of `memberId`.
    public static func seal(_ details: TargetGroupDetails, memberId: UUID, in vault: some PersonalDataKeys) throws -> SealedData {
        try details.sealed(for: memberId, eventType: typeName, in: vault)
    }
}
