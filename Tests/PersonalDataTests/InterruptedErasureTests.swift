import CSQLite
import EventLog
import Events
import Foundation
import PersonalData
import Testing

/// The log, not the key store, says who is erased: a `MemberErased` that is durable while the
/// member's key survived (a crash or a full disk between the two) reads as erased at once, and
/// the next open of the vault destroys the key.
@Suite struct InterruptedErasureTests {
    static let environment = ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)]

    /// A log in `dir/log` whose stream of `member` holds a registration and, when `erased`,
    /// a `MemberErased` — written straight to the log, as a crash before the shred leaves it.
    static func log(in dir: String, member: UUID, erased: Bool) async throws -> EventLog {
        let log = try EventLog.open(directory: dir + "/log")
        var events = [ProposedEvent(type: "MemberProfileUpdated", payload: [1])]
        if erased {
            let e = MemberErased(memberId: member, erasedAt: Fixtures.time, reason: .dataSubjectRequest)
            events.append(ProposedEvent(type: MemberErased.typeName, payload: e.encodePayload()))
        }
        _ = try await log.append(stream: StreamID.member(member), expectedVersion: .noStream, events: events)
        return log
    }

    /// Holds a RESERVED SQLite lock (BEGIN IMMEDIATE) on `path` until `release()`: every write of another
    /// connection fails with SQLITE_BUSY meanwhile (a key store that cannot be written).
    final class ExclusiveLock {
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

    @Test func aMemberErasedInTheLogReadsAsErasedEvenWhileItsKeyCannotBeDestroyed() async throws {
        // Given a sealed member whose erasure is in the log but whose key survived,
        let dir = Fixtures.temporaryDirectory()
        let first = try PersonalDataVault.open(directory: dir, environment: Self.environment)
        let sealed = try first.seal(Array("Ayşe Yılmaz".utf8), subject: Fixtures.member, eventType: "MemberRegistered")
        let kept = try first.seal(Array("Bram".utf8), subject: Fixtures.member2, eventType: "MemberRegistered")
        let log = try await Self.log(in: dir, member: Fixtures.member, erased: true)
        defer { try? log.close() }
        #expect(!(try PersonalDataVaultTests.wrappedKey(of: Fixtures.member, in: dir + "/keys.sqlite")).isEmpty)

        // when the vault is opened while the key store cannot be written,
        let lock = try ExclusiveLock(dir + "/keys.sqlite")
        let (vault, completion) = try PersonalDataVault.open(directory: dir, log: log, environment: Self.environment)

        // then the shred is reported pending, and the member reads as erased all the same,
        #expect(completion.completed.isEmpty)
        #expect(completion.stillPending.map(\.subject) == [Fixtures.member])
        #expect(try vault.open(sealed, subject: Fixtures.member, eventType: "MemberRegistered") == nil)
        #expect(vault.keyState(subject: Fixtures.member) == .destroyed)
        #expect(throws: VaultError.subjectErased(subject: Fixtures.member)) {
            _ = try vault.seal([1], subject: Fixtures.member, eventType: "MemberRegistered")
        }
        #expect(try vault.open(kept, subject: Fixtures.member2, eventType: "MemberRegistered") == Array("Bram".utf8))

        // and the next open, with the store writable again, destroys the key.
        lock.release()
        let (again, done) = try PersonalDataVault.open(directory: dir, log: log, environment: Self.environment)
        #expect(done.completed == [Fixtures.member])
        #expect(done.stillPending.isEmpty)
        #expect(try again.open(sealed, subject: Fixtures.member, eventType: "MemberRegistered") == nil)
        #expect((try? PersonalDataVaultTests.wrappedKey(of: Fixtures.member, in: dir + "/keys.sqlite")) == nil)
        let third = try PersonalDataVault.open(directory: dir, log: log, environment: Self.environment)
        #expect(third.completion.isEmpty, "nothing is left to complete")
    }

    @Test func aMemberNotErasedInTheLogKeepsItsKey() async throws {
        let dir = Fixtures.temporaryDirectory()
        let first = try PersonalDataVault.open(directory: dir, environment: Self.environment)
        let sealed = try first.seal(Array("Ayşe".utf8), subject: Fixtures.member, eventType: "MemberRegistered")
        let log = try await Self.log(in: dir, member: Fixtures.member, erased: false)
        defer { try? log.close() }

        let (vault, completion) = try PersonalDataVault.open(directory: dir, log: log, environment: Self.environment)

        #expect(completion.isEmpty)
        #expect(try vault.open(sealed, subject: Fixtures.member, eventType: "MemberRegistered") == Array("Ayşe".utf8))
    }
}
