#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the projection runner can refuse or report. Each case says what went wrong and
/// what to do (see `description`).
public enum ProjectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another runner (this process or another) owns the projection's lock file.
    case locked(projection: String, lockFile: String)
    /// No projector of that name is registered with the runner.
    case unknownProjection(String)
    /// Two projectors share a name, or a name has characters unfit for a file name.
    case invalidName(String, rule: String)
    /// The projection did not reach `position` within the timeout; it stood at `reached`.
    case timeout(projection: String, position: UInt64, reached: UInt64)
    /// The projection stopped on an error (a projector threw, or SQLite failed); `reason` says
    /// which. Fix the cause and restart the runner; it resumes from the last checkpoint.
    case failed(projection: String, reason: String)
    /// The runner was stopped.
    case stopped(projection: String)
    /// A projection file's metadata does not belong to this projector.
    case foreignFile(path: String, reason: String)
    /// A file operation failed.
    case io(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .locked(projection, lockFile):
            return "projection '\(projection)' is owned by another runner (lock \(lockFile) is held); stop that runner first"
        case let .unknownProjection(name):
            return "no projection named '\(name)' is registered"
        case let .invalidName(name, rule):
            return "invalid projection name '\(name)': \(rule)"
        case let .timeout(projection, position, reached):
            return "projection '\(projection)' did not reach position \(position) in time (it is at \(reached)); retry later or read without waiting"
        case let .failed(projection, reason):
            return "projection '\(projection)' failed: \(reason); fix the cause and restart the runner, it resumes from its checkpoint"
        case let .stopped(projection):
            return "the runner of projection '\(projection)' is stopped"
        case let .foreignFile(path, reason):
            return "\(path) is not this projection's file: \(reason); move it away"
        case let .io(operation, path, errno):
            return "\(operation) failed on \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }
}
