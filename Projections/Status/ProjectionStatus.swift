import EventLog

/// What a projection is doing.
public enum ProjectionState: String, Sendable, Hashable, CustomStringConvertible {
    /// Applying events that were in the log before it first reached the head.
    case catchingUp
    /// At the head, following new commits as they arrive.
    case live
    /// Building a new file side by side; queries are answered from the previous file, which
    /// stands still until the swap.
    case rebuilding
    /// Stopped on an error (see `ProjectionStatus.error`); queries still read the last
    /// committed checkpoint.
    case failed

    public var description: String { rawValue }
}

/// Progress of a side-by-side rebuild.
public struct RebuildProgress: Sendable, Hashable {
    /// The rebuild file's checkpoint.
    public var position: UInt64
    /// Events applied per second over the last few batches; nil until two batches are done.
    public var eventsPerSecond: Double?
    /// Seconds until the rebuild reaches the current head at that rate; nil without a rate.
    public var etaSeconds: Double?
}

/// A snapshot of one projection, as `projections status` prints it.
///
/// `position` is the checkpoint of the file that answers queries; `lagEvents` is
/// `head - position`; `lagSeconds` the age of the oldest event not yet applied (now minus the
/// recorded-at of event `position + 1`), 0 when at the head.
public struct ProjectionStatus: Sendable, Hashable {
    public var name: String
    /// The projector's version.
    public var version: Int
    /// The version of the file that answers queries (older than `version` while rebuilding
    /// after a version change).
    public var servedVersion: Int
    public var state: ProjectionState
    public var position: UInt64
    public var head: UInt64
    public var lagEvents: UInt64
    public var lagSeconds: Double
    /// While catching up: events applied per second over the last few batches (nil until two
    /// batches are done), and seconds until the head at that rate.
    public var eventsPerSecond: Double?
    public var etaSeconds: Double?
    /// Present while rebuilding.
    public var rebuild: RebuildProgress?
    /// Why the projection failed, when `state == .failed`.
    public var error: String?
}
