import Events
import Foundation
import PersonalData
import Testing

/// Trade name, registry ids and VAT id sealed in `MemberRegistered` v2 (issue 13.5): readable with
/// the member's key, gone with it, and their blind-index digests always the reading store's own.
@Suite struct SealedIdentifiersTests {
    static let kvk = RegistryId(scheme: .kvk, value: "69599084")
    static let details = PersonalDetails(legalName: "Ayşe Yılmaz", tradeName: "Yılmaz Tuinen", registryIds: [kvk],
                                         vatId: "NL000099998B57")

    func registration(in vault: PersonalDataVault) throws -> MemberRegistered {
        MemberRegistered(memberId: Fixtures.member, kind: .soleTrader, residenceCountry: .nl,
                         personal: try MemberRegistered.seal(Self.details, memberId: Fixtures.member, in: vault),
                         joinedOn: Fixtures.day, registryDigests: [.of(Self.kvk, with: vault)])
    }

    @Test("given a v2 registration, then its bytes hold neither trade name, KvK number nor VAT id, and the vault opens all three")
    func identifiersAreSealed() throws {
        let (vault, _) = try Fixtures.vault()
        let r = try registration(in: vault)
        let payload = r.encodePayload()
        for secret in ["Yılmaz Tuinen", "69599084", "NL000099998B57"] {
            #expect(payload.firstRange(of: Array(secret.utf8)) == nil, "\(secret) in plaintext")
        }
        #expect(try r.identifiers(in: vault) == MemberIdentifiers(tradeName: "Yılmaz Tuinen", registryIds: [Self.kvk], vatId: "NL000099998B57"))
        #expect(try r.identifiers(in: nil) == nil)
        // When the member is erased, then nothing opens them any more
        try vault.erase(subject: Fixtures.member, at: Fixtures.time)
        #expect(try r.identifiers(in: vault) == nil)
    }

    @Test("given an export with plaintext identifiers and forged digests, when parsed into another store, then the digests are that store's own")
    func digestsAreRecomputedOnImport() throws {
        let (source, _) = try Fixtures.vault()
        let target = try PersonalDataVault.open(directory: Fixtures.temporaryDirectory(),
                                                environment: ["FABRIEK_MASTER_KEY": String(repeating: "cd", count: 32)])
        let exported = try DomainEvent.member(.registered(registration(in: source))).canonicalJSON(context: JSONContext(vault: source))
        var object = try #require(try JSONSerialization.jsonObject(with: Data(exported)) as? [String: Any])
        #expect((object["personal"] as? [String: Any])?["tradeName"] as? String == "Yılmaz Tuinen")
        object["registryDigests"] = [["digest": Data(repeating: 7, count: 16).base64EncodedString(), "kind": "kvk"]]  // forged

        let parsed = try MemberRegistered.fromJSON(object, path: "$", context: JSONContext(vault: target))

        #expect(parsed.registryDigests == [.of(Self.kvk, with: target)])
        #expect(parsed.registryDigests != [.of(Self.kvk, with: source)])
        #expect(try parsed.identifiers(in: target)?.tradeName == "Yılmaz Tuinen")
    }

    @Test("given an erased registration in a file, when parsed, then it keeps no digest (it identifies no one)")
    func anErasedRegistrationKeepsNoDigest() throws {
        let (vault, _) = try Fixtures.vault()
        var r = try registration(in: vault)
        r.personal = .erased
        let json = try DomainEvent.member(.registered(r)).canonicalJSON(context: .sealed)
        let object = try JSONSerialization.jsonObject(with: Data(json))
        #expect(try MemberRegistered.fromJSON(object, path: "$", context: JSONContext(vault: vault)).registryDigests.isEmpty)
    }

    @Test("given a verification, then the entry is sealed with the member's key and its digest recomputed on parsing")
    func aVerificationIsSealedToo() throws {
        let (vault, _) = try Fixtures.vault()
        let v = MemberRegistryVerified(memberId: Fixtures.member, verifiedAt: Fixtures.time, source: "KVK",
                                       registry: try MemberRegistryVerified.seal(Self.kvk, memberId: Fixtures.member, in: vault),
                                       registryDigest: RegistryDigest(kind: "kvk", digest: [1, 2, 3]))
        #expect(v.encodePayload().firstRange(of: Array("69599084".utf8)) == nil)
        #expect(try v.verifiedRegistryId(in: vault) == Self.kvk)
        let json = try DomainEvent.member(.registryVerified(v)).canonicalJSON(context: JSONContext(vault: vault))
        let parsed = try MemberRegistryVerified.fromJSON(try JSONSerialization.jsonObject(with: Data(json)), path: "$",
                                                         context: JSONContext(vault: vault))
        #expect(parsed.registryDigest == .of(Self.kvk, with: vault))
    }
}
