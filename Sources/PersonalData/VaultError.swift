import Foundation

/// Why the personal-data vault refused. Each case says what to do.
public enum VaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The master key (file or `FABRIEK_MASTER_KEY`) is not 32 bytes of hex or base64.
    case invalidMasterKey(reason: String)
    /// The master key file could not be read or created.
    case masterKeyFile(path: String, errno: Int32)
    /// The key store (`keys.sqlite`) failed.
    case keyStore(operation: String, code: Int32, message: String)
    /// The subject has no key in this vault (nothing was ever sealed for it here).
    case noKey(subject: UUID)
    /// The subject was erased: nothing can be sealed for it any more.
    case subjectErased(subject: UUID)
    /// Decryption failed: the data was sealed for another subject or event type, with another
    /// master key, or was altered.
    case authenticationFailed(subject: UUID)
    /// Sealed bytes shorter than nonce + tag.
    case malformedSealedData(length: Int)

    public var description: String {
        switch self {
        case .invalidMasterKey(let r):
            return "invalid master key: \(r); give 32 bytes as 64 hex digits or base64 in FABRIEK_MASTER_KEY, or remove it to use master.key"
        case let .masterKeyFile(path, errno):
            return "cannot read or create the master key file \(path) (errno \(errno)); check the data directory's permissions"
        case let .keyStore(op, code, message):
            return "key store \(op) failed (SQLite \(code)): \(message)"
        case .noKey(let s):
            return "no key for data subject \(s.uuidString.lowercased()) in this vault; is it the vault of this log?"
        case .subjectErased(let s):
            return "data subject \(s.uuidString.lowercased()) was erased; personal data can no longer be stored for it"
        case .authenticationFailed(let s):
            return "sealed data does not open with the key of \(s.uuidString.lowercased()): wrong subject, wrong event type, wrong master key, or altered data"
        case .malformedSealedData(let n):
            return "sealed data of \(n) bytes is too short to be nonce + ciphertext + tag"
        }
    }
}
