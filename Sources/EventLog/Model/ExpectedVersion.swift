/// What the appender believes a stream's version to be. A stream's version is the number of
/// events in it (0 when it does not exist); the first event of a stream has version 1.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// Append whatever the stream's version is.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream must hold exactly this many events.
    case exact(UInt64)

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .exact(let n): return "\(n)"
        }
    }

    func admits(_ actual: UInt64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return actual == 0
        case .exact(let n): return actual == n
        }
    }
}
