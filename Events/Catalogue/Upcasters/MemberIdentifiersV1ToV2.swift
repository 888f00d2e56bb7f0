extension Upcaster {
    /// `MemberRegistered` v1 held trade name, registry ids and VAT id in plaintext fields 5-7; v2
    /// seals them in `personal` and adds their digests (field 12). The v2 message keeps fields 5-7
    /// as v1-only plaintext, so a v1 payload is a valid v2 payload with no digests: the bytes stay
    /// as they are (readers take the identifiers from either place: `identifiers(in:)`).
    public static let memberRegisteredV1ToV2 = Upcaster(typeName: MemberRegistered.typeName, fromVersion: 1) { $0 }

    /// `MemberRegistryVerified` v1 held the verified entry in plaintext (field 2); v2 seals it
    /// (field 5) with its digest (field 6) and keeps field 2 as v1-only: the bytes stay as they are.
    public static let memberRegistryVerifiedV1ToV2 = Upcaster(typeName: MemberRegistryVerified.typeName, fromVersion: 1) { $0 }
}
