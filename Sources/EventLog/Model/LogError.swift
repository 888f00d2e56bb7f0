/// Everything the log can refuse or report. Each case says what went wrong, where, and what to do
/// (see `description`).
public enum LogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stream's version is not what the appender expected. Reload the stream and decide again.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// Some, but not all, event ids of an append are already stored: the call mixes a retry with
    /// new events. Retry the original call unchanged, or use new ids for new events.
    case partiallyStored(eventID: String, position: UInt64)
    /// The same event id occurs twice in one append call.
    case duplicateEventInAppend(eventID: String)
    /// An append call with no events, or a stream id or type that is empty or too long.
    case invalidAppend(field: String, rule: String)
    /// A recorded-at time given for import is earlier than the log's last recorded time.
    case recordedAtGoesBackwards(given: Timestamp, last: Timestamp)
    /// A record failed its checksum or structure check before the tail: the log refuses to open.
    case corruptBatch(segment: String, offset: UInt64, position: UInt64, reason: String)
    /// A segment's header is unreadable or does not continue the previous segment.
    case corruptSegment(segment: String, reason: String)
    /// The stream index or time index file is unusable; it is rebuilt from the segments.
    case corruptIndex(reason: String)
    /// The disk (or the file-size limit) is full. Thrown by an append, nothing of its commit was
    /// acknowledged (or kept); free space and retry.
    case diskFull(path: String, errno: Int32)
    /// An I/O call failed. `operation` names the call, `path` the file.
    case io(operation: String, path: String, errno: Int32)
    /// A durable write could not be confirmed (fsync failed). The log stops accepting appends;
    /// reopen it to recover from what is really on disk.
    case writerFailed(reason: String)
    /// Commits written with `Durability.none` (up to position `through`) could not be made
    /// durable at close: they are in the file and were acknowledged, but may not survive a crash.
    case notDurable(path: String, reason: String, through: UInt64)
    /// Another process holds the writer lock on this directory.
    case locked(directory: String)
    /// The log was opened read-only.
    case readOnly
    /// The log is closed.
    case closed
    /// A position outside `1...head`.
    case positionOutOfRange(position: UInt64, head: UInt64)
    /// The digest's position is not the end of a commit, so there is no chain hash there.
    case notACommitBoundary(position: UInt64)
    /// The directory holds a log of a format version this code cannot read.
    case unsupportedFormat(segment: String, version: UInt16)

    public var description: String {
        switch self {
        case let .wrongExpectedVersion(stream, expected, actual):
            return "wrong expected version for stream '\(stream)': expected \(expected), actual \(actual); reload the stream and retry"
        case let .partiallyStored(id, position):
            return "event \(id) is already stored at position \(position) but other events of the same append are not; retry the original append unchanged or give new events new ids"
        case let .duplicateEventInAppend(id):
            return "event id \(id) occurs twice in one append"
        case let .invalidAppend(field, rule):
            return "invalid append: \(field) \(rule)"
        case let .recordedAtGoesBackwards(given, last):
            return "recorded-at \(given) is earlier than the log's last recorded time \(last); events must be imported in their original order"
        case let .corruptBatch(segment, offset, position, reason):
            return "corrupt batch in segment \(segment) at byte \(offset) (position \(position)): \(reason); restore the segment from a backup, or run verify for details"
        case let .corruptSegment(segment, reason):
            return "corrupt segment \(segment): \(reason)"
        case let .corruptIndex(reason):
            return "index unusable (\(reason)); it will be rebuilt from the segments"
        case let .diskFull(path, errno):
            return "disk full writing \(path) (errno \(errno)); free space and retry"
        case let .io(operation, path, errno):
            return "\(operation) failed on \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case let .notDurable(path, reason, through):
            return "the commits up to position \(through) were written but could not be made durable (\(path): \(reason)); "
                + "they may not survive a crash or power loss: check the disk, then reopen the log and run 'log verify'"
        case let .writerFailed(reason):
            return "the log writer stopped: \(reason); reopen the log"
        case let .locked(directory):
            return "another process is writing to \(directory) (writer lock held); stop it or open read-only"
        case .readOnly:
            return "the log is open read-only"
        case .closed:
            return "the log is closed"
        case let .positionOutOfRange(position, head):
            return "position \(position) is outside the log (head \(head))"
        case let .notACommitBoundary(position):
            return "position \(position) is not the end of a commit; use a position printed by 'log head'"
        case let .unsupportedFormat(segment, version):
            return "segment \(segment) has format version \(version), which this build cannot read (it reads version "
                + "\(SegmentHeader.formatVersion)); carry the log over with 'fabriek-admin export' of the build that wrote it "
                + "and 'fabriek-admin import' into an empty directory"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
