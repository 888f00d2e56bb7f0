/// Why a JSON document could not be turned into an event. `path` is a JSONPath-like location
/// such as `$.registryIds[0].scheme`.
public enum JSONImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not JSON.
    case invalidJSON(reason: String)
    /// A required key is absent (or null).
    case missingKey(path: String)
    /// A value has the wrong type or format.
    case typeMismatch(path: String, expected: String)
    /// A sealed field holds plaintext but no vault was given to seal it again.
    case vaultRequired(path: String)

    public var description: String {
        switch self {
        case .invalidJSON(let r): return "not valid JSON: \(r)"
        case .missingKey(let p): return "\(p) is missing"
        case let .typeMismatch(p, e): return "\(p) must be \(e)"
        case .vaultRequired(let p): return "\(p) holds personal data in plaintext; import with a vault to seal it"
        }
    }
}
