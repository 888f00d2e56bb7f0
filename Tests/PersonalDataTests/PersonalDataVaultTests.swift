import CSQLite
import EventLog
import Events
import Foundation
import PersonalData
import Testing

@Suite struct PersonalDataVaultTests {
    let plaintext = Array("Ayşe Yılmaz, Boschstraat 12a".utf8)

    @Test func sealThenOpen() throws {
        let (vault, _) = try Fixtures.vault()
        let sealed = try vault.seal(plaintext, subject: Fixtures.member, eventType: "MemberRegistered")
        #expect(sealed.bytes.count == 12 + plaintext.count + 16)
        #expect(!sealed.bytes.indices.dropLast(plaintext.count).contains { Array(sealed.bytes[$0..<($0 + plaintext.count)]) == plaintext })
        #expect(try vault.open(sealed, subject: Fixtures.member, eventType: "MemberRegistered") == plaintext)
        #expect(vault.keyState(subject: Fixtures.member) == .active)
    }

    @Test func wrongSubjectOrEventTypeOrAlteredDataFails() throws {
        let (vault, _) = try Fixtures.vault()
        let sealed = try vault.seal(plaintext, subject: Fixtures.member, eventType: "MemberRegistered")
        _ = try vault.seal([1], subject: Fixtures.member2)
        #expect(throws: VaultError.authenticationFailed(subject: Fixtures.member2)) {
            _ = try vault.open(sealed, subject: Fixtures.member2, eventType: "MemberRegistered")
        }
        #expect(throws: VaultError.noKey(subject: Fixtures.member3)) {
            _ = try vault.open(sealed, subject: Fixtures.member3, eventType: "MemberRegistered")
        }
        #expect(throws: VaultError.authenticationFailed(subject: Fixtures.member)) {
            _ = try vault.open(sealed, subject: Fixtures.member, eventType: "MemberTargetGroupsDeclared")
        }
        var altered = sealed
        altered.bytes[20] ^= 1
        #expect(throws: VaultError.authenticationFailed(subject: Fixtures.member)) {
            _ = try vault.open(altered, subject: Fixtures.member, eventType: "MemberRegistered")
        }
    }

    @Test func eraseMakesOpenReturnNilAndRemovesTheKeyBytes() throws {
        let (vault, dir) = try Fixtures.vault()
        let sealed = try vault.seal(plaintext, subject: Fixtures.member)
        let other = try vault.seal(plaintext, subject: Fixtures.member2)
        let keyFile = dir + "/keys.sqlite"
        let wrappedBefore = try Self.wrappedKey(of: Fixtures.member, in: keyFile)

        try vault.erase(subject: Fixtures.member)

        #expect(try vault.open(sealed, subject: Fixtures.member) == nil)
        #expect(vault.isErased(subject: Fixtures.member))
        #expect(throws: VaultError.subjectErased(subject: Fixtures.member)) { _ = try vault.seal([1], subject: Fixtures.member) }
        #expect(try vault.open(other, subject: Fixtures.member2) == plaintext, "other subjects are untouched")
        let fileBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: keyFile)))
        #expect(!Self.contains(fileBytes, wrappedBefore), "the wrapped key is gone from keys.sqlite")
        try vault.erase(subject: Fixtures.member)  // idempotent

        let reopened = try PersonalDataVault.open(directory: dir, environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
        #expect(try reopened.open(sealed, subject: Fixtures.member) == nil)
    }

    @Test func keysSurviveReopen() throws {
        let (vault, dir) = try Fixtures.vault()
        let sealed = try vault.seal(plaintext, subject: Fixtures.member)
        let reopened = try PersonalDataVault.open(directory: dir, environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
        #expect(try reopened.open(sealed, subject: Fixtures.member) == plaintext)
        let wrongMaster = try PersonalDataVault.open(directory: dir, environment: ["FABRIEK_MASTER_KEY": String(repeating: "cd", count: 32)])
        #expect(throws: VaultError.self) { _ = try wrongMaster.open(sealed, subject: Fixtures.member) }
    }

    @Test func masterKeyFromTheEnvironmentInHexOrBase64() throws {
        let bytes = [UInt8](0..<32)
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let base64 = Data(bytes).base64EncodedString()
        let dir = Fixtures.temporaryDirectory()
        let a = try PersonalDataVault.open(directory: dir, environment: ["FABRIEK_MASTER_KEY": hex])
        let sealed = try a.seal(plaintext, subject: Fixtures.member)
        let b = try PersonalDataVault.open(directory: dir, environment: ["FABRIEK_MASTER_KEY": base64 + "\n"])
        #expect(try b.open(sealed, subject: Fixtures.member) == plaintext)
        #expect(!FileManager.default.fileExists(atPath: dir + "/master.key"), "no file when the environment gives the key")
        #expect(throws: VaultError.self) { _ = try MasterKey(text: "abcd") }
        #expect(throws: VaultError.self) { _ = try MasterKey(text: String(repeating: "zz", count: 32)) }
    }

    @Test func masterKeyFileIsCreatedOwnerOnlyAndReused() throws {
        let dir = Fixtures.temporaryDirectory()
        let a = try PersonalDataVault.open(directory: dir, environment: [:])
        let sealed = try a.seal(plaintext, subject: Fixtures.member)
        let path = dir + "/master.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        let b = try PersonalDataVault.open(directory: dir, environment: [:])
        #expect(try b.open(sealed, subject: Fixtures.member) == plaintext)
    }

    @Test func eventHelpersSealAndOpenPersonalDetails() throws {
        let (vault, _) = try Fixtures.vault()
        let sealed = try MemberRegistered.seal(Fixtures.personal, memberId: Fixtures.member, in: vault)
        let event = MemberRegistered(memberId: Fixtures.member, kind: .soleTrader, residenceCountry: .nl,
                                     personal: sealed, joinedOn: Fixtures.day)
        #expect(try event.personalDetails(in: vault) == Fixtures.personal)
        let groups = TargetGroupDetails(groups: [.armoede, .age55Plus], ageBand: .from55)
        let declared = MemberTargetGroupsDeclared(memberId: Fixtures.member, consentId: Fixtures.consent,
                                                  details: try MemberTargetGroupsDeclared.seal(groups, memberId: Fixtures.member, in: vault),
                                                  declaredAt: Fixtures.time)
        #expect(try declared.targetGroupDetails(in: vault) == groups)
        try vault.erase(subject: Fixtures.member)
        #expect(try event.personalDetails(in: vault) == nil)
        #expect(try declared.targetGroupDetails(in: vault) == nil)
    }

    @Test func sealedFieldsInCanonicalJSON() throws {
        let (vault, _) = try Fixtures.vault()
        let sealed = try MemberRegistered.seal(Fixtures.personal, memberId: Fixtures.member, in: vault)
        let event = MemberRegistered(memberId: Fixtures.member, kind: .soleTrader, residenceCountry: .nl,
                                     personal: sealed, joinedOn: Fixtures.day).domainEvent
        let withVault = JSONContext(vault: vault)

        let plain = String(decoding: try event.canonicalJSON(context: withVault), as: UTF8.self)
        #expect(plain.contains(#""personal":{"address":{"city":"Maastricht","country":"NL","houseNumber":"12a","postcode":"6211 AX","street":"Boschstraat"},"email":"ayse@example.nl","legalName":"Ayşe Yılmaz","phone":"+31 43 123 4567","registryIds":[]}"#))
        let reimported = try EventCatalogue.parseJSON(type: "MemberRegistered", json: Array(plain.utf8), context: withVault)
        guard case .member(.registered(let r)) = reimported else { Issue.record("wrong type"); return }
        #expect(try r.personalDetails(in: vault) == Fixtures.personal, "re-sealed on import")
        #expect(throws: JSONImportError.vaultRequired(path: "$.personal")) {
            _ = try EventCatalogue.parseJSON(type: "MemberRegistered", json: Array(plain.utf8))
        }

        let closed = String(decoding: try event.canonicalJSON(), as: UTF8.self)
        #expect(closed.contains(#""personal":{"sealed":""# + Data(sealed.bytes).base64EncodedString() + #""}"#))
        #expect(try EventCatalogue.parseJSON(type: "MemberRegistered", json: Array(closed.utf8)) == event)

        let (otherVault, _) = try Fixtures.vault()
        let foreign = try event.canonicalJSON(context: JSONContext(vault: otherVault))
        #expect(String(decoding: foreign, as: UTF8.self) == closed, "a vault without the subject's key leaves it sealed")

        try vault.erase(subject: Fixtures.member)
        let erased = String(decoding: try event.canonicalJSON(context: withVault), as: UTF8.self)
        #expect(erased.contains(#""personal":"erased""#))
        #expect(!erased.contains("Ayşe"))
    }

    /// Reads the stored wrapped key directly from keys.sqlite.
    static func wrappedKey(of subject: UUID, in path: String) throws -> [UInt8] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw VaultError.noKey(subject: subject) }
        defer { sqlite3_close(db) }
        var stmt: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT wrapped_key FROM subject_keys WHERE subject = ?1", -1, &stmt, nil)
        defer { sqlite3_finalize(stmt) }
        withUnsafeBytes(of: subject.uuid) { _ = sqlite3_bind_blob(stmt, 1, $0.baseAddress, 16, nil) }
        guard sqlite3_step(stmt) == SQLITE_ROW, let p = sqlite3_column_blob(stmt, 0) else { throw VaultError.noKey(subject: subject) }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, 0))))
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool { firstIndex(of: needle, in: haystack) != nil }
}
