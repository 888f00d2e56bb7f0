import EventLog
import Events
import Foundation
import PersonalData
import Testing
@testable import Fabriek

/// Registration with validated identifiers, invariant 10 (one entry per registry number) and
/// invariant 11 (an erased member accepts nothing).
@Suite("Member decider")
struct MemberDeciderTests {
    let id = Fixture.id(300)

    func registration(registryIds: [RegistryId] = [RegistryId(scheme: .kvk, value: "12345678")],
                      vatId: String? = "NL000099998B57", postcode: String = "6211ab",
                      buurt: String? = "Wyck") -> RegisterMember {
        RegisterMember(
            memberId: id, kind: .soleTrader, residenceCountry: .nl,
            personal: PersonalDetails(legalName: "J. Janssen", email: "j@example.nl",
                                      address: PostalAddress(street: "Rechtstraat", houseNumber: "1", postcode: postcode,
                                                             city: "Maastricht", country: .nl)),
            tradeName: "Janssen Groen", registryIds: registryIds, vatId: vatId, buurt: buurt,
            sbiCodes: ["81.30.0"], joinedOn: day("2026-03-01"))
    }

    var registered: MemberEvent {
        .registered(MemberRegistered(memberId: id, kind: .soleTrader, residenceCountry: .nl,
                                     personal: SealedData(bytes: Array(FakeSealer.tag(id, "J. Janssen", tradeName: "Janssen Groen",
                                                                                      registryIds: [kvk], vatId: "NL000099998B57").utf8)),
                                     postcodeArea: "6211", buurt: "Wyck", sbiCodes: ["81300"],
                                     joinedOn: day("2026-03-01"), registryDigests: [FakeSealer.digest(kvk)]))
    }

    let kvk = RegistryId(scheme: .kvk, value: "12345678")

    @Test func identifiersAreSealedAndOnlyTheirDigestsArePlain() {
        // Given a registration with trade name, KvK number and VAT id
        // When it is decided
        let events = accepted(MemberDecider.self, when: .register(registration()))
        // Then the event holds none of them in plaintext, and the KvK number's digest
        guard case .registered(let e)? = events.first else { Issue.record("no event"); return }
        #expect(e.tradeName == nil && e.registryIds.isEmpty && e.vatId == nil && !e.hasPlaintextIdentifiers)
        #expect(e.registryDigests == [FakeSealer.digest(kvk)])
        #expect(e.personal.bytes == Array(FakeSealer.tag(id, "J. Janssen", tradeName: "Janssen Groen", registryIds: [kvk],
                                                         vatId: "NL000099998B57").utf8))  // sealed with the rest
        // and a verification seals the entry too, keeping its digest
        let verified = accepted(MemberDecider.self, given: events, when: .verifyRegistry(kvk, source: "KVK API"))
        guard case .registryVerified(let v)? = verified.first else { Issue.record("no verification"); return }
        #expect(v.registryId == nil && v.registryDigest == FakeSealer.digest(kvk))
        #expect(v.registry.bytes == Array("registry:\(id):kvk=12345678".utf8))
    }

    @Test func aV1RegistrationInPlaintextStillHoldsItsNumber() {
        // Given a v1 registration (identifiers in plaintext, no digests)
        let v1 = MemberEvent.registered(MemberRegistered(memberId: Fixture.id(301), kind: .soleTrader, residenceCountry: .nl,
                                                         personal: SealedData(bytes: [1]), registryIds: [kvk], joinedOn: day("2020-01-01")))
        let committed = WriteSideDirectory()
        committed.apply(.member(v1))
        // When another member registers with the same KvK number
        var r = registration()
        r.memberId = Fixture.id(302)
        var context = Fixture.context()
        context.members = committed
        // Then invariant 10 refuses it: the plaintext entry is found beside the digests
        expectRefusal(MemberDecider.self, when: .register(r), context: context,
                      then: .duplicateRegistryId(scheme: .kvk, value: "12345678", existingMember: Fixture.id(301)))
        // and the v1 member can still verify its number
        let verified = accepted(MemberDecider.self, given: [v1], when: .verifyRegistry(kvk, source: nil))
        #expect(verified.count == 1)
    }

    @Test func registersWithNormalisedAndSealedData() {
        expectEvents(MemberDecider.self, when: .register(registration()), then: [registered])
    }

    @Test func identifiersAreValidated() {
        expectRefusal(MemberDecider.self, when: .register(registration(registryIds: [RegistryId(scheme: .kvk, value: "6959908")])),
                      then: .validation(ValidationError(field: "registryIds.kvk", rule: .kvkFormat, value: "6959908")))
        expectRefusal(MemberDecider.self, when: .register(registration(vatId: "NL000099998B58")),
                      then: .validation(ValidationError(field: "vatId", rule: .nlVATChecksum, value: "NL000099998B58")))
        expectRefusal(MemberDecider.self, when: .register(registration(postcode: "6211 SS")),
                      then: .validation(ValidationError(field: "address.postcode", rule: .nlPostcodeLetters, value: "6211 SS")))
        expectRefusal(MemberDecider.self, when: .register(registration(buurt: "Atlantis")),
                      then: .unknownBuurt(buurt: "Atlantis"))
    }

    @Test func foreignIdentifiersAreValidatedByScheme() {
        var r = registration(registryIds: [RegistryId(scheme: .kbo, value: "BE0428759497")], vatId: "BE0428759497")
        r.residenceCountry = .be
        r.personal.address = nil
        r.buurt = nil
        let events = accepted(MemberDecider.self, when: .register(r))
        guard case .registered(let e)? = events.first else { Issue.record("no event"); return }
        #expect(e.registryDigests == [FakeSealer.digest(RegistryId(scheme: .kbo, value: "0428759497"))])
        #expect(e.personal.bytes == Array(FakeSealer.tag(id, "J. Janssen", tradeName: "Janssen Groen",
                                                         registryIds: [RegistryId(scheme: .kbo, value: "0428759497")],
                                                         vatId: "BE0428759497").utf8))
        #expect(e.postcodeArea == nil)
        expectRefusal(MemberDecider.self,
                      when: .register(registration(registryIds: [RegistryId(scheme: .ustIdNr, value: "DE136695978")], vatId: nil)),
                      then: .validation(ValidationError(field: "registryIds.ustIdNr", rule: .deVATChecksum, value: "DE136695978")))
    }

    // MARK: Invariant 10

    @Test func kvkNumberHeldByAnotherMemberIsRefused() {
        expectRefusal(MemberDecider.self, when: .register(registration(registryIds: [RegistryId(scheme: .kvk, value: "69599084")])),
                      then: .duplicateRegistryId(scheme: .kvk, value: "69599084", existingMember: Fixture.b))
    }

    @Test func kvkNumberOfAnErasedMemberMayBeReused() {
        var directory = Fixture.directory
        directory.memberStatuses[Fixture.b] = .erased
        #expect(accepted(MemberDecider.self,
                         when: .register(registration(registryIds: [RegistryId(scheme: .kvk, value: "69599084")])),
                         context: Fixture.context(directory: directory)).count == 1)
    }

    @Test func registeringTwiceIsRefused() {
        expectRefusal(MemberDecider.self, given: [registered], when: .register(registration()),
                      then: .alreadyExists(stream: MemberDecider.streamId(id)))
    }

    // MARK: Invariant 11 and end of membership

    @Test func erasedMemberAcceptsNoCommand() {
        let erased = MemberEvent.erased(MemberErased(memberId: id, erasedAt: time("2026-03-10T00:00:00Z"), reason: .dataSubjectRequest))
        let commands: [MemberCommand] = [
            .setRate(unit: .hour, amountCents: 5_000), .declareSkills(skills: ["snoeien"], cpvInterests: []),
            .withdrawTargetGroups(consentId: Fixture.id(1)), .erase(reason: .other),
            .endMembership(reason: .resigned, endedOn: day("2026-04-01")),
        ]
        for command in commands {
            expectRefusal(MemberDecider.self, given: [registered, erased], when: command, then: .memberErased(member: id))
        }
    }

    @Test func endedMemberMayOnlyBeErasedOrWithdrawConsent() {
        let consent = Fixture.id(42)
        let declared = MemberEvent.targetGroupsDeclared(MemberTargetGroupsDeclared(
            memberId: id, consentId: consent, details: SealedData(bytes: [1]), declaredAt: time("2026-03-02T00:00:00Z")))
        let ended = MemberEvent.membershipEnded(MembershipEnded(memberId: id, reason: .resigned, endedOn: day("2026-03-31")))
        expectRefusal(MemberDecider.self, given: [registered, ended], when: .setRate(unit: .hour, amountCents: 5_000),
                      then: .membershipEnded(member: id))
        expectEvents(MemberDecider.self, given: [registered, declared, ended], when: .withdrawTargetGroups(consentId: consent),
                     then: [.targetGroupsWithdrawn(MemberTargetGroupsWithdrawn(memberId: id, consentId: consent,
                                                                               withdrawnAt: time("2026-04-01T09:00:00Z")))])
        expectEvents(MemberDecider.self, given: [registered, ended], when: .erase(reason: .dataSubjectRequest),
                     then: [.erased(MemberErased(memberId: id, erasedAt: time("2026-04-01T09:00:00Z"), reason: .dataSubjectRequest))])
    }

    @Test func profileCommands() {
        expectRefusal(MemberDecider.self, given: [registered], when: .setRate(unit: .hour, amountCents: 0),
                      then: .rateNotPositive(amountCents: 0))
        expectRefusal(MemberDecider.self, given: [registered], when: .declareSkills(skills: [], cpvInterests: ["77310000-"]),
                      then: .validation(ValidationError(field: "cpvInterests", rule: .cpvFormat, value: "77310000-")))
        expectRefusal(MemberDecider.self, given: [registered],
                      when: .updateProfile(headline: nil, description: nil, languages: ["nl"], serviceBuurten: ["Atlantis"],
                                           serviceRadiusKm: nil, serviceCountries: []),
                      then: .unknownBuurt(buurt: "Atlantis"))
        expectRefusal(MemberDecider.self, given: [registered], when: .verifyRegistry(RegistryId(scheme: .kvk, value: "69599084"), source: nil),
                      then: .registryIdNotHeld(scheme: .kvk, value: "69599084"))
        expectEvents(MemberDecider.self, given: [registered], when: .verifyRegistry(RegistryId(scheme: .kvk, value: "12345678"), source: "KVK"),
                     then: [.registryVerified(MemberRegistryVerified(memberId: id, verifiedAt: time("2026-04-01T09:00:00Z"), source: "KVK",
                                                                     registry: SealedData(bytes: Array("registry:\(id):kvk=12345678".utf8)),
                                                                     registryDigest: FakeSealer.digest(kvk)))])
        expectRefusal(MemberDecider.self, given: [registered], when: .withdrawTargetGroups(consentId: Fixture.id(9)),
                      then: .consentNotFound(consentId: Fixture.id(9)))
        expectRefusal(MemberDecider.self, when: .setRate(unit: .hour, amountCents: 100), then: .notFound(stream: "member"))
    }

    @Test func theVaultSealsPersonalData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fabriek-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let vault = try PersonalDataVault(path: dir.appendingPathComponent("keys.sqlite").path,
                                          masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        let context = DecisionContext(now: time("2026-04-01T09:00:00Z"), members: Fixture.directory,
                                      consortia: Fixture.directory, sealer: vault, reference: Fixture.reference)
        let events = try MemberDecider.decide(.register(registration()), given: [], context: context)
        guard case .registered(let e)? = events.first else { Issue.record("no event"); return }
        #expect(!e.personal.bytes.isEmpty)
        #expect(!String(decoding: e.personal.bytes, as: UTF8.self).contains("Janssen"))
        let details = try e.personalDetails(in: vault)
        #expect(details?.legalName == "J. Janssen")
        #expect(details?.address?.postcode == "6211 AB")
    }
}
