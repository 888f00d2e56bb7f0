import Crypto
import Events
import Foundation

/// The store-wide key of blind indexes: keyed hashes of identifiers that must still be looked
/// up once they are sealed with each member's key. Invariant 10 (one register entry per KvK
/// number, KBO number or USt-IdNr among members not erased) needs "who holds this number?",
/// and a sealed number cannot be compared (DOMAIN.md, `MemberRegistered`).
///
/// A digest is HMAC-SHA256 over `kind || 0x00 || value`, truncated to 16 bytes, under a key
/// derived from the master key with HKDF-SHA256 (info `fabriek blind index v1`, no salt): no
/// storage of its own, no member's key (so an erasure leaves it), and another master key gives
/// other digests (a digest says nothing in another store). `value` must be normalised first
/// (`MemberDecider.normalise`): the digest is of the exact bytes.
///
/// What it protects: a reader of the log (or of an export's digests) without the master key
/// cannot tell the number. What it does not: whoever holds the master key can hash every
/// possible number (10^8 KvK numbers) and match the digest; the master key is kept apart from
/// the log for that reason too (`MasterKey`).
public struct BlindIndexKey: Sendable {
    /// The derived key's bytes (`SymmetricKey` is not `Sendable`).
    private let keyBytes: [UInt8]

    /// Bytes in a digest.
    public static let digestLength = 16

    /// The `info` of the HKDF derivation; a new version of the index gets a new one.
    static let derivationInfo = Array("fabriek blind index v1".utf8)

    /// Derives the key from the store's master key.
    public init(masterKey: MasterKey) {
        self.init(derivedFrom: masterKey.key)
    }

    init(derivedFrom master: SymmetricKey) {
        keyBytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Self.derivationInfo, outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
    }

    /// The digest of `value` in the index of `kind` (a register scheme such as `kvk`, or `vatId`;
    /// never containing a NUL byte): the same value and kind under the same master key always
    /// give the same 16 bytes.
    public func digest(kind: String, value: String) -> [UInt8] {
        var message = Array(kind.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keyBytes))
        return Array(Array(mac).prefix(Self.digestLength))
    }

    /// The digest of a normalised registry id, in the index of its scheme.
    public func digest(of id: RegistryId) -> [UInt8] {
        digest(kind: id.scheme.rawValue, value: id.value)
    }
}
