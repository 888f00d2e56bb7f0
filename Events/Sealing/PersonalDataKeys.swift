import Foundation

/// The state of a data subject's key in a key store.
public enum SubjectKeyState: Sendable, Hashable {
    /// Nothing was ever sealed for the subject in this store.
    case absent
    case active
    /// Erased: the key is gone.
    case destroyed
}

/// Seals and opens personal data per data subject: what events, their JSON form and the read
/// side need of a key store. The personal-data vault (module `PersonalData`) implements it; the
/// events module knows only this contract, so it does not depend on the vault's storage.
///
/// `seal` binds `subject` and `eventType` (data sealed for one does not open for another);
/// `open` returns nil once the subject's key was destroyed.
public protocol PersonalDataKeys: AnyObject, Sendable, BlindIndex {
    /// Encrypts `plaintext` for `subject`. Throws once the subject was erased.
    func seal(_ plaintext: [UInt8], subject: UUID, eventType: String) throws -> SealedData
    /// Decrypts `sealed`; nil when the subject's key was destroyed.
    func open(_ sealed: SealedData, subject: UUID, eventType: String) throws -> [UInt8]?
    /// The state of the subject's key.
    func keyState(subject: UUID) -> SubjectKeyState
}

/// Keyed hashes of identifiers that are sealed but must still be looked up (invariant 10).
public protocol BlindIndex {
    /// The blind-index digest of a normalised identifier `value` in the index of `kind` (e.g.
    /// `kvk`): a keyed hash under a store-wide key, not the subject's, so it survives an erasure
    /// and says nothing without the store's master key (16 bytes).
    func blindIndexDigest(kind: String, value: String) -> [UInt8]
}
