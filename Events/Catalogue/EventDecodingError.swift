/// Why a stored event could not be turned into a `DomainEvent`.
public enum EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The type name is not in the catalogue (a newer build wrote it, or it is misspelt).
    case unknownType(String)
    /// The event was written with a schema version newer than this build knows.
    case newerSchemaVersion(type: String, version: UInt32, known: UInt32)

    public var description: String {
        switch self {
        case .unknownType(let t): return "unknown event type '\(t)'; upgrade this build to read the log"
        case let .newerSchemaVersion(t, v, k):
            return "\(t) has schema version \(v) but this build knows only up to \(k); upgrade to read the log"
        }
    }
}
