import Foundation

/// What identifies a member in a public register: trade name (often the member's own name), KvK,
/// KBO or USt-IdNr entries and VAT id. `MemberRegistered` v1 held them in plaintext; v2 seals
/// them with the rest of the personal details, so that an erasure leaves nothing that names the
/// person (DOMAIN.md, `MemberRegistered`). Invariant 10 is checked on their blind-index digests.
public struct MemberIdentifiers: Sendable, Hashable {
    public var tradeName: String?
    public var registryIds: [RegistryId]
    public var vatId: String?

    public init(tradeName: String? = nil, registryIds: [RegistryId] = [], vatId: String? = nil) {
        self.tradeName = tradeName
        self.registryIds = registryIds
        self.vatId = vatId
    }

    /// The blind-index digests of the registry ids (index = scheme name), in order, under the
    /// store-wide key of `index`. Values must already be normalised.
    public func digests(with index: some BlindIndex) -> [RegistryDigest] {
        registryIds.map { RegistryDigest.of($0, with: index) }
    }
}

extension RegistryDigest {
    /// The digest of a normalised registry id, in the index of its scheme.
    public static func of(_ id: RegistryId, with keys: some BlindIndex) -> RegistryDigest {
        RegistryDigest(kind: id.scheme.rawValue, digest: keys.blindIndexDigest(kind: id.scheme.rawValue, value: id.value))
    }
}

extension MemberRegistered {
    /// True for a v1 registration: its identifiers are in plaintext fields 5-7 (still in the log
    /// after an erasure; reads hide them for erased members).
    public var hasPlaintextIdentifiers: Bool { tradeName != nil || !registryIds.isEmpty || vatId != nil }

    /// The member's identifiers: a v1 event's plaintext, else opened from `personal` with
    /// `vault`; nil when they are sealed and cannot be opened (no vault, or the member is erased).
    public func identifiers(in vault: (any PersonalDataKeys)?) throws -> MemberIdentifiers? {
        if hasPlaintextIdentifiers { return MemberIdentifiers(tradeName: tradeName, registryIds: registryIds, vatId: vatId) }
        guard let vault, let details = try personalDetails(in: vault) else { return nil }
        return MemberIdentifiers(tradeName: details.tradeName, registryIds: details.registryIds, vatId: details.vatId)
    }

    /// Recomputes `registryDigests` with this store's blind-index key after parsing JSON: digests
    /// in a file were made under another store's key (or forged) and are never taken as they are.
    /// Without a vault, or when the identifiers cannot be opened here (sealed for another store),
    /// the file's digests stay; an erased registration keeps none (it identifies no one).
    public mutating func rederive(context: JSONContext) throws {
        if personal.isErasedMarker && !hasPlaintextIdentifiers { registryDigests = []; return }
        guard let vault = context.vault, let ids = try identifiers(in: vault) else { return }
        registryDigests = hasPlaintextIdentifiers ? [] : ids.digests(with: vault)
    }
}

extension MemberRegistryVerified {
    /// The verified entry: a v1 event's plaintext, else opened from `registry` with `vault`; nil
    /// when sealed and not openable (no vault, or the member is erased).
    public func verifiedRegistryId(in vault: (any PersonalDataKeys)?) throws -> RegistryId? {
        if let registryId { return registryId }
        guard let vault, !registry.isErasedMarker,
              let plain = try vault.open(registry, subject: memberId, eventType: Self.typeName) else { return nil }
        return try RegistryId(payload: plain)
    }

    /// Seals `id` for a new `MemberRegistryVerified` of `memberId`.
    public static func seal(_ id: RegistryId, memberId: UUID, in vault: some PersonalDataKeys) throws -> SealedData {
        try id.sealed(for: memberId, eventType: typeName, in: vault)
    }

    /// Recomputes `registryDigest` with this store's key after parsing JSON (see
    /// `MemberRegistered.rederive(context:)`).
    public mutating func rederive(context: JSONContext) throws {
        if registry.isErasedMarker && registryId == nil { registryDigest = nil; return }
        guard let vault = context.vault, registryId == nil, let id = try verifiedRegistryId(in: vault) else { return }
        registryDigest = .of(id, with: vault)
    }
}
