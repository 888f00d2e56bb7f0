import Crypto
import EventLog
import Events
import Foundation

/// Encrypts personal data per data subject (crypto-shredding).
///
/// Each subject (a member id) gets its own random AES-256 key, created on first `seal`, stored
/// in `keys.sqlite` wrapped (AES-GCM) by the `MasterKey`. `seal` returns AES-256-GCM
/// `nonce || ciphertext || tag` whose additional authenticated data binds the subject id and the
/// event type, so sealed data moved to another subject or event does not open. `erase` destroys
/// the subject's key for good: afterwards `open` returns nil and `seal` throws. The log itself
/// is never touched.
///
/// The log, not the key store, decides who is erased: a subject marked erased (`erase`, or
/// `completeErasures(recordedIn:)` finding `MemberErased` in the log) reads as erased in this
/// process from then on — `open` nil, `keyState` `.destroyed`, `seal` throws — even while its
/// key could not be destroyed yet (disk full, a crash between the durable `MemberErased` and the
/// shred). Open the vault of a data directory with `open(directory:log:)`, which completes such
/// pending shredding.
///
///     let vault = try PersonalDataVault.open(directory: dataDirectory)
///     let sealed = try vault.seal(details.encodePayload(), subject: memberId, eventType: "MemberRegistered")
///     let plain = try vault.open(sealed, subject: memberId, eventType: "MemberRegistered")  // nil once erased
///
/// Thread-safe; unwrapped keys are cached in memory. Costs: `seal`/`open` one AES-GCM operation
/// once the subject's key is cached, the first use of a subject one SQLite lookup (the first
/// `seal` also one durable insert), `erase` a VACUUM of the key file.
public final class PersonalDataVault: PersonalDataKeys, @unchecked Sendable {
    // @unchecked: `store`, `cache` and `erased` are only touched while holding `lock`.
    let lock = NSLock()
    let store: KeyStoreDatabase
    private var cache: [UUID: SymmetricKey] = [:]
    /// Subjects this process knows to be erased (by the log or by `erase`), whatever the key
    /// store still holds.
    var erased: Set<UUID> = []
    let masterKey: SymmetricKey
    /// The blind-index key, derived once from the master key (`BlindIndexKey`).
    public let blindIndexKey: BlindIndexKey

    /// The key file's name in the data directory.
    public static let fileName = "keys.sqlite"

    /// What the vault knows about a subject's key.
    public typealias KeyState = SubjectKeyState

    /// Opens (or creates) `keys.sqlite` in `directory` with the master key from the environment
    /// or `master.key` (see `MasterKey.load`).
    public static func open(directory: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PersonalDataVault {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let masterKey = try MasterKey.load(directory: directory, environment: environment)
        return try PersonalDataVault(path: (directory as NSString).appendingPathComponent(fileName), masterKey: masterKey)
    }

    /// Opens (or creates) the key store at `path`.
    public init(path: String, masterKey: MasterKey) throws {
        self.store = try KeyStoreDatabase(path: path)
        self.masterKey = masterKey.key
        self.blindIndexKey = BlindIndexKey(derivedFrom: masterKey.key)
    }

    /// The blind-index digest of `value` in the index of `kind` (`BlindIndexKey.digest`).
    public func blindIndexDigest(kind: String, value: String) -> [UInt8] {
        blindIndexKey.digest(kind: kind, value: value)
    }

    /// Encrypts `plaintext` for `subject`, creating the subject's key on first use.
    /// Throws `VaultError.subjectErased` after `erase(subject:)`.
    public func seal(_ plaintext: [UInt8], subject: UUID, eventType: String = "") throws -> SealedData {
        let key = try lock.withLock { () throws -> SymmetricKey in
            if erased.contains(subject) { throw VaultError.subjectErased(subject: subject) }
            if let k = try subjectKey(for: subject) { return k }
            if case .destroyed = try store.row(subject: subject) { throw VaultError.subjectErased(subject: subject) }
            let k = SymmetricKey(size: .bits256)
            let wrapped = try AES.GCM.seal(k.withUnsafeBytes { Data($0) }, using: masterKey,
                                           authenticating: Self.wrapAAD(subject)).combined!
            try store.insert(subject: subject, wrappedKey: [UInt8](wrapped), createdAt: .now())
            cache[subject] = k
            return k
        }
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Self.dataAAD(subject, eventType))
        return SealedData(bytes: [UInt8](box.combined!))
    }

    /// Decrypts data sealed for `subject` and `eventType`. Returns nil when the subject was erased
    /// (or the data is the erased marker, or the subject is marked erased while its key still
    /// waits to be destroyed). Throws `VaultError.noKey` when this vault never had the
    /// subject's key, `.authenticationFailed` when the data was sealed for another subject or
    /// event type, or altered.
    public func open(_ sealed: SealedData, subject: UUID, eventType: String = "") throws -> [UInt8]? {
        if sealed.isErasedMarker { return nil }
        let (isErased, found) = try lock.withLock { () throws -> (Bool, SymmetricKey?) in
            if erased.contains(subject) { return (true, nil) }
            return (false, try subjectKey(for: subject))
        }
        if isErased { return nil }
        guard let key = found else {
            if keyState(subject: subject) == .destroyed { return nil }
            throw VaultError.noKey(subject: subject)
        }
        guard sealed.bytes.count >= 28 else { throw VaultError.malformedSealedData(length: sealed.bytes.count) }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.bytes)
            return [UInt8](try AES.GCM.open(box, using: key, authenticating: Self.dataAAD(subject, eventType)))
        } catch {
            throw VaultError.authenticationFailed(subject: subject)
        }
    }

    /// Destroys the subject's key: the row's wrapped key is cleared (secure_delete) and the file
    /// vacuumed. Idempotent. Record it in the log with `MemberErased` first: the subject reads
    /// as erased in this process from this call on, even when destroying the key throws (it is
    /// then still pending, and `completeErasures(recordedIn:)` destroys it at the next open).
    public func erase(subject: UUID, at time: Timestamp = .now()) throws {
        try lock.withLock {
            erased.insert(subject)
            cache[subject] = nil
            try store.destroy(subject: subject, at: time)
        }
    }

    /// The state of the subject's key; `.destroyed` for a subject marked erased (even while its
    /// key waits to be destroyed); `.absent` also when the store cannot be read.
    public func keyState(subject: UUID) -> KeyState {
        lock.withLock {
            if erased.contains(subject) { return .destroyed }
            if cache[subject] != nil { return .active }
            switch try? store.row(subject: subject) {
            case .active: return .active
            case .destroyed: return .destroyed
            case .absent, .none: return .absent
            }
        }
    }

    /// True when the subject was erased.
    public func isErased(subject: UUID) -> Bool { keyState(subject: subject) == .destroyed }

    // Call with `lock` held.
    private func subjectKey(for subject: UUID) throws -> SymmetricKey? {
        if let k = cache[subject] { return k }
        guard case .active(let wrapped) = try store.row(subject: subject) else { return nil }
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            let raw = try AES.GCM.open(box, using: masterKey, authenticating: Self.wrapAAD(subject))
            let k = SymmetricKey(data: raw)
            cache[subject] = k
            return k
        } catch {
            throw VaultError.invalidMasterKey(reason: "the master key does not unwrap the key of subject \(subject.uuidString.lowercased()); is it the master key of this data directory?")
        }
    }

    private static func wrapAAD(_ subject: UUID) -> [UInt8] {
        Array("fabriek.subject-key.v1".utf8) + withUnsafeBytes(of: subject.uuid) { [UInt8]($0) }
    }

    /// subject (16 bytes) || event type (UTF-8).
    static func dataAAD(_ subject: UUID, _ eventType: String) -> [UInt8] {
        withUnsafeBytes(of: subject.uuid) { [UInt8]($0) } + Array(eventType.utf8)
    }
}
