import CSQLite
import EventLog
import Events
import FabriekTestSupport
import Foundation
import PersonalData
import Testing
@testable import Fabriek

/// An erasure whose key cannot be destroyed right after the commit (a full disk, a locked key
/// store): the command is acknowledged as committed (it is), says what is pending, the member
/// reads as erased at once, and the next service start destroys the key.
@Suite struct ShredFailureTests {
    /// Holds a RESERVED SQLite lock (BEGIN IMMEDIATE) on `path`: other connections' writes fail
    /// with SQLITE_BUSY until `release()`.
    final class WriteLock {
        private var db: OpaquePointer?
        init(_ path: String) throws {
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK,
                  sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else {
                throw VaultError.keyStore(operation: "lock \(path)", code: 0, message: "test lock failed")
            }
        }
        func release() {
            sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            sqlite3_close(db)
            db = nil
        }
        deinit { release() }
    }

    @Test func anErasureWhoseShredFailsIsAcknowledgedReadsAsErasedAndIsCompletedAtTheNextStart() async throws {
        // Given a registered member,
        let h = try ServiceHarness()
        defer { h.close() }
        let a = Fixture.a
        try await ServiceScenario.register(a, kvk: ServiceScenario.kvk[0], on: h.service)
        let registered = try #require(try h.log.readStream(MemberDecider.streamId(a)).first)
        guard case .member(.registered(let r)) = try EventCatalogue.decode(registered) else { Issue.record("not a registration"); return }
        #expect(try r.personalDetails(in: h.vault)?.legalName == "Sanne Smeets")

        // when it is erased while the key store cannot be written,
        let lock = try WriteLock(h.directory + "/keys.sqlite")
        let outcome = try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(a),
                                                  command: .erase(reason: .dataSubjectRequest))

        // then the erasure is acknowledged (it is durable) with the shred reported pending,
        #expect(outcome.positions.count == 1)
        #expect(outcome.shreddingPending.count == 1)
        #expect(outcome.shreddingPending.first?.contains(a.uuidString.lowercased()) == true)
        // the member reads as erased at once, and accepts no further command,
        #expect(try r.personalDetails(in: h.vault) == nil)
        #expect(h.vault.keyState(subject: a) == .destroyed)
        let json = String(decoding: try DomainEvent.member(.registered(r)).canonicalJSON(context: JSONContext(vault: h.vault)), as: UTF8.self)
        #expect(json.contains("\"personal\":\"erased\"") && !json.contains("Sanne"))
        await #expect(throws: DomainError.self) {
            try await h.service.execute(MemberDecider.self, stream: MemberDecider.streamId(a), command: .erase(reason: .dataSubjectRequest))
        }
        // while the key itself is still in the store;
        let storeView = try PersonalDataVault(path: h.directory + "/keys.sqlite", masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        #expect(storeView.keyState(subject: a) == .active)

        // and once the store is writable, the next service start destroys it.
        lock.release()
        let restarted = try PersonalDataVault(path: h.directory + "/keys.sqlite", masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        _ = try ApplicationService(log: h.log, vault: restarted, reference: ServiceHarness.reference)
        let after = try PersonalDataVault(path: h.directory + "/keys.sqlite", masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        #expect(after.keyState(subject: a) == .destroyed)
    }
}
