import Events
import Foundation
import PersonalData
import Testing

/// The blind index of registry numbers (DOMAIN.md invariant 10 once the numbers are sealed).
@Suite struct BlindIndexKeyTests {
    static let masterKey = try! MasterKey(text: String(repeating: "ab", count: 32))
    static let kvk = RegistryId(scheme: .kvk, value: "69599084")

    @Test("given one master key, when a normalised number is hashed twice, then both digests are the same 16 bytes, and the vault's key gives them too")
    func aNumberHasOneDigestPerStore() throws {
        let key = BlindIndexKey(masterKey: Self.masterKey)
        let digest = key.digest(of: Self.kvk)
        #expect(digest.count == BlindIndexKey.digestLength)
        #expect(key.digest(of: RegistryId(scheme: .kvk, value: "69599084")) == digest)
        let (vault, _) = try Fixtures.vault()  // the same fixed master key
        #expect(vault.blindIndexKey.digest(of: Self.kvk) == digest)
    }

    @Test("given the derivation of issue 13, then the digest of KvK 69599084 under a fixed master key stays the same (a changed derivation would hide duplicates in existing logs)")
    func theDerivationIsStable() {
        // HKDF-SHA256(master, no salt, info "fabriek blind index v1") → HMAC-SHA256("kvk\0" + number), first 16 bytes;
        // computed independently with Python's hmac/hashlib.
        let hex = BlindIndexKey(masterKey: Self.masterKey).digest(of: Self.kvk).map { String(format: "%02x", $0) }.joined()
        #expect(hex == "7122e04d9e4ac750d47509a60d6c4c2a")
    }

    @Test("given another number, another register or another master key, then the digest differs")
    func digestsSeparateNumbersRegistersAndStores() throws {
        let key = BlindIndexKey(masterKey: Self.masterKey)
        let digest = key.digest(of: Self.kvk)
        #expect(key.digest(of: RegistryId(scheme: .kvk, value: "69599085")) != digest)
        #expect(key.digest(of: RegistryId(scheme: .kbo, value: "69599084")) != digest)
        let other = BlindIndexKey(masterKey: try MasterKey(text: String(repeating: "cd", count: 32)))
        #expect(other.digest(of: Self.kvk) != digest)
    }
}
