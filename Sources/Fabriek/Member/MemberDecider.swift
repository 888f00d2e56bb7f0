import EventLog
import Events
import Foundation

/// The decider of the Member aggregate: registration with validated identifiers (invariant 10),
/// profile changes, end of membership and erasure (invariant 11).
public enum MemberDecider: Decider {
    public static let initialState = MemberState.initial

    /// The stream of a member.
    public static func streamId(_ memberId: UUID) -> String { StreamID.member(memberId) }

    public static func decide(_ command: MemberCommand, state: MemberState,
                              context: DecisionContext) throws(DomainError) -> [MemberEvent] {
        if case .register(let registration) = command {
            guard !state.exists else { throw .alreadyExists(stream: streamId(registration.memberId)) }
            return [.registered(try register(registration, context: context))]
        }
        guard let memberId = state.memberId else { throw .notFound(stream: "member") }
        if state.status == .erased { throw .memberErased(member: memberId) }
        switch command {
        case .erase, .withdrawTargetGroups: break
        default: if state.status == .ended { throw .membershipEnded(member: memberId) }
        }

        switch command {
        case .register:
            preconditionFailure("handled above")

        case let .verifyRegistry(registryId, source):
            let normalised = try normalise(registryId)
            let digest = RegistryDigest.of(normalised, with: context.sealer)
            guard state.registryKeys.contains(.digest(digest)) || state.registryKeys.contains(.plaintext(normalised)) else {
                throw .registryIdNotHeld(scheme: registryId.scheme, value: registryId.value)
            }
            let sealed: SealedData
            do { sealed = try context.sealer.seal(normalised, subject: memberId) } catch {
                throw .validation(ValidationError(field: "registryId", rule: .sealing, value: "\(error)"))
            }
            return [.registryVerified(MemberRegistryVerified(memberId: memberId, verifiedAt: context.now, source: source,
                                                             registry: sealed, registryDigest: digest))]

        case let .updateProfile(headline, description, languages, buurten, radius, countries):
            for buurt in buurten where !context.reference.maastricht.isBuurt(buurt) {
                throw .unknownBuurt(buurt: buurt)
            }
            for country in countries { try validateCountry(country, field: "serviceCountries") }
            return [.profileUpdated(MemberProfileUpdated(
                memberId: memberId, headline: headline, description: description, languages: languages,
                serviceBuurten: buurten, serviceRadiusKm: radius, serviceCountries: countries))]

        case let .declareSkills(skills, cpvInterests):
            var codes: [String] = []
            for raw in cpvInterests {
                codes.append(try DomainError.validating { () throws(ValidationError) in
                    try CPVCode(raw, field: "cpvInterests").value
                })
            }
            return [.skillsDeclared(MemberSkillsDeclared(memberId: memberId, skills: skills, cpvInterests: codes))]

        case let .setRate(unit, amountCents):
            guard amountCents > 0 else { throw .rateNotPositive(amountCents: amountCents) }
            return [.rateSet(MemberRateSet(memberId: memberId, unit: unit, amountCents: amountCents))]

        case let .changeAvailability(availability, hours, from, until):
            if let from, let until, until < from { throw .endBeforeStart(start: from, end: until) }
            return [.availabilityChanged(MemberAvailabilityChanged(
                memberId: memberId, availability: availability, hoursPerWeek: hours,
                effectiveFrom: from, effectiveUntil: until))]

        case let .declareTargetGroups(consentId, details):
            let sealed: SealedData
            do { sealed = try context.sealer.seal(details, subject: memberId) } catch {
                throw .validation(ValidationError(field: "targetGroups", rule: .sealing, value: "\(error)"))
            }
            return [.targetGroupsDeclared(MemberTargetGroupsDeclared(
                memberId: memberId, consentId: consentId, details: sealed, declaredAt: context.now))]

        case let .withdrawTargetGroups(consentId):
            guard state.activeConsents.contains(consentId) else { throw .consentNotFound(consentId: consentId) }
            return [.targetGroupsWithdrawn(MemberTargetGroupsWithdrawn(
                memberId: memberId, consentId: consentId, withdrawnAt: context.now))]

        case let .endMembership(reason, endedOn):
            return [.membershipEnded(MembershipEnded(memberId: memberId, reason: reason, endedOn: endedOn))]

        case let .erase(reason):
            return [.erased(MemberErased(memberId: memberId, erasedAt: context.now, reason: reason))]
        }
    }

    public static func evolve(_ state: MemberState, _ event: MemberEvent) -> MemberState {
        var state = state
        switch event {
        case .registered(let e):
            state.memberId = e.memberId
            state.status = .active
            state.registryKeys = RegistryKey.of(e)
        case .registryVerified:
            break
        case .targetGroupsDeclared(let e):
            state.activeConsents.insert(e.consentId)
        case .targetGroupsWithdrawn(let e):
            state.activeConsents.remove(e.consentId)
        case .membershipEnded:
            state.status = .ended
        case .erased:
            state.status = .erased
            state.activeConsents = []
        case .profileUpdated, .skillsDeclared, .rateSet, .availabilityChanged:
            break
        }
        return state
    }

    // MARK: Registration

    private static func register(_ r: RegisterMember, context: DecisionContext) throws(DomainError) -> MemberRegistered {
        try validateCountry(r.residenceCountry, field: "residenceCountry")
        var personal = r.personal
        guard !personal.legalName.trimmingWhitespace.isEmpty else {
            throw .validation(ValidationError(field: "legalName", rule: .required, value: personal.legalName))
        }
        if let email = personal.email { try validateEmail(email) }
        var postcodeArea: String?
        if var address = personal.address, address.country == .nl {
            let postcode = try DomainError.validating { () throws(ValidationError) in
                try NLPostcode(address.postcode, field: "address.postcode")
            }
            address.postcode = postcode.value
            personal.address = address
            postcodeArea = String(postcode.value.prefix(4))
        }

        var registryIds: [RegistryId] = []
        var digests: [RegistryDigest] = []
        for id in r.registryIds {
            let normalised = try normalise(id)
            if registryIds.contains(normalised) { continue }
            let digest = RegistryDigest.of(normalised, with: context.sealer)
            if normalised.scheme != .other,
               let existing = context.members.member(holding: normalised, digest: digest), existing != r.memberId {
                throw .duplicateRegistryId(scheme: normalised.scheme, value: normalised.value, existingMember: existing)
            }
            registryIds.append(normalised)
            digests.append(digest)
        }

        let vatId = try r.vatId.map { raw throws(DomainError) in try normaliseVATId(raw) }
        personal.tradeName = r.tradeName
        personal.registryIds = registryIds
        personal.vatId = vatId
        if let buurt = r.buurt, !context.reference.maastricht.isBuurt(buurt) { throw .unknownBuurt(buurt: buurt) }
        var sbiCodes: [String] = []
        for raw in r.sbiCodes {
            sbiCodes.append(try DomainError.validating { () throws(ValidationError) in
                try SBICode(raw, field: "sbiCodes").value
            })
        }

        let sealed: SealedData
        do { sealed = try context.sealer.seal(personal, subject: r.memberId) } catch {
            throw .validation(ValidationError(field: "personal", rule: .sealing, value: "\(error)"))
        }
        return MemberRegistered(memberId: r.memberId, kind: r.kind, residenceCountry: r.residenceCountry,
                                personal: sealed, postcodeArea: postcodeArea, buurt: r.buurt, sbiCodes: sbiCodes,
                                joinedOn: r.joinedOn, registryDigests: digests)
    }

    /// Validates a registry id by its scheme and returns its normalised form.
    static func normalise(_ id: RegistryId) throws(DomainError) -> RegistryId {
        let value: String = try DomainError.validating { () throws(ValidationError) in
            switch id.scheme {
            case .kvk: try KvKNumber(id.value, field: "registryIds.kvk").value
            case .kbo: try BEEnterpriseNumber(id.value, field: "registryIds.kbo").value
            case .ustIdNr: try DEVATNumber(id.value, field: "registryIds.ustIdNr").value
            case .handelsregister, .other:
                try nonEmpty(id.value, field: "registryIds.\(id.scheme.rawValue)")
            }
        }
        return RegistryId(scheme: id.scheme, value: value)
    }

    /// Checks NL, BE and DE VAT ids by their rules; others must merely be non-empty.
    static func normaliseVATId(_ raw: String) throws(DomainError) -> String {
        try DomainError.validating { () throws(ValidationError) in
            let upper = raw.removingSeparators.asciiUppercased
            if upper.hasPrefix("NL") { return try NLVATNumber(raw, field: "vatId").value }
            if upper.hasPrefix("BE") { return try BEEnterpriseNumber(raw, field: "vatId").vatId }
            if upper.hasPrefix("DE") { return try DEVATNumber(raw, field: "vatId").value }
            return try nonEmpty(upper, field: "vatId")
        }
    }

    private static func nonEmpty(_ value: String, field: String) throws(ValidationError) -> String {
        let trimmed = value.trimmingWhitespace
        guard !trimmed.isEmpty else { throw ValidationError(field: field, rule: .required, value: value) }
        return trimmed
    }

    private static func validateEmail(_ email: String) throws(DomainError) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasSuffix("."),
              !parts[1].hasPrefix("."), !email.contains(" ")
        else { throw .validation(ValidationError(field: "email", rule: .emailFormat, value: email)) }
    }
}

/// Checks that a country code is two upper-case ASCII letters.
func validateCountry(_ country: CountryCode, field: String) throws(DomainError) {
    let bytes = Array(country.rawValue.utf8)
    guard bytes.count == 2, bytes.allSatisfy({ (65...90).contains($0) }) else {
        throw .validation(ValidationError(field: field, rule: .countryCodeFormat, value: country.rawValue))
    }
}
