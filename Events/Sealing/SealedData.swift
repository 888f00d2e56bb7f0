/// Personal data encrypted with one data subject's key: AES-256-GCM `nonce (12 bytes) ||
/// ciphertext || tag (16 bytes)` of an encoded message (e.g. `PersonalDetails`).
///
/// Events hold `SealedData`, never plaintext; `PersonalDataVault.open` turns it back into bytes
/// while the subject's key exists. Empty `bytes` means "erased before export": a JSON import of an
/// `"erased"` marker yields it, and it never opens.
public struct SealedData: Hashable, Sendable {
    /// nonce || ciphertext || tag, or empty (erased marker).
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The marker for data exported after its subject was erased.
    public static let erased = SealedData(bytes: [])

    /// True for the erased marker.
    public var isErasedMarker: Bool { bytes.isEmpty }
}
