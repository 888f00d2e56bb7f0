import Foundation

/// What JSON rendering and parsing may use besides the event itself: the personal-data vault.
///
/// Sealed fields render as follows (and parse back from the same forms):
/// - with a vault holding the subject's key: the decrypted message as a JSON object;
/// - the subject's key was destroyed (`MemberErased`): the string `"erased"`;
/// - no vault, or a vault that never had the subject's key: `{"sealed":"<base64 of nonce||ciphertext||tag>"}`.
/// Parsing plaintext requires a vault (it is sealed again with a fresh nonce); `"erased"` parses
/// to `SealedData.erased`.
public struct JSONContext: Sendable {
    public var vault: (any PersonalDataKeys)?

    public init(vault: (any PersonalDataKeys)? = nil) { self.vault = vault }

    /// No vault: sealed fields stay sealed.
    public static let sealed = JSONContext()

    /// Writes a sealed field in one of the three forms above.
    public func writeSealed<M: ProtoMessage>(_ sealed: SealedData, as: M.Type, subject: UUID, eventType: String,
                                             to w: inout JSONWriter) throws {
        if sealed.isErasedMarker {
            w.string("erased")
            return
        }
        if let vault {
            switch vault.keyState(subject: subject) {
            case .active:
                if let plaintext = try vault.open(sealed, subject: subject, eventType: eventType) {
                    try M(payload: plaintext).writeJSON(to: &w, context: .sealed)
                    return
                }
            case .destroyed:
                w.string("erased")
                return
            case .absent:
                break
            }
        }
        w.beginObject()
        w.key("sealed")
        w.base64(sealed.bytes)
        w.endObject()
    }

    /// Parses a sealed field written by `writeSealed`.
    public func parseSealed<M: ProtoMessage>(_ j: JSONObjectReader, key: String, as: M.Type, subject: UUID,
                                             eventType: String) throws -> SealedData {
        let path = "\(j.path).\(key)"
        guard let v = j.raw(key) else { throw JSONImportError.missingKey(path: path) }
        if let s = v as? String {
            guard s == "erased" else { throw JSONImportError.typeMismatch(path: path, expected: "object or \"erased\"") }
            return .erased
        }
        guard let o = v as? [String: Any] else { throw JSONImportError.typeMismatch(path: path, expected: "object") }
        if o.count == 1, let b64 = o["sealed"] {
            guard let s = b64 as? String, let d = Data(base64Encoded: s) else {
                throw JSONImportError.typeMismatch(path: "\(path).sealed", expected: "base64 string")
            }
            return SealedData(bytes: [UInt8](d))
        }
        guard let vault else { throw JSONImportError.vaultRequired(path: path) }
        let message = try M.fromJSON(o, path: path, context: .sealed)
        return try vault.seal(message.encodePayload(), subject: subject, eventType: eventType)
    }
}
