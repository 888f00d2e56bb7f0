/// A store under test. The phases (`Phases.swift`) drive every store through the same calls; each
/// store encodes the typed workload values into its own stored format inside the timed calls and
/// decodes back into typed values when a phase asks for them.
///
/// A store lives in a directory of its own that the bench creates empty for it.
protocol BenchStore: AnyObject {
    /// The name used in the report and the JSON: `fabriek` or `baseline`.
    static var name: String { get }

    /// Opens a new, empty store in the empty `directory`. Not timed.
    static func create(in directory: String, workload: Workload) throws -> Self

    /// Opens the store in `directory` as an application does at start-up (ready to append and to
    /// read streams), closes it again, and returns the milliseconds the opening took.
    static func timeOpen(in directory: String) throws -> Double

    /// Appends `perTask` events from each of `tasks` concurrent appenders into a new store in the
    /// empty `directory`, one event per durable commit, each appender to streams of its own.
    /// Returns the seconds from the first append to the last acknowledgement.
    static func appendConcurrently(in directory: String, workload: Workload, tasks: Int, perTask: Int) async throws -> Double

    /// How many events each of the concurrent appenders appends (the total is capped by what
    /// the store manages in reasonable time).
    static var concurrentEventsPerTask: Int { get }

    /// Appends record `index` of the workload in a durable commit of its own, expecting its stream
    /// at `version - 1`.
    func appendOne(index: Int) async throws

    /// Appends the records `range` of the workload in one durable commit.
    func appendCommit(_ range: Range<Int>) async throws

    /// Reads every event in log order, touching the envelope and the payload bytes.
    func replayRaw() throws -> Tally

    /// Reads every event in log order and decodes each payload into a `WorkloadEvent`.
    func replayTyped() throws -> Tally

    /// Reads one stream in full, decodes every event and folds them.
    func loadStream(_ stream: String) throws -> Tally

    /// Rebuilds the workload read model (`ReadModelSQL`) from every event in the store into a new
    /// SQLite file in the empty `directory`, in transactions of 1,000 events that also store the
    /// position reached. Returns the seconds from creating the file to the last commit and the
    /// file's path (closed).
    func rebuildReadModel(into directory: String) async throws -> (seconds: Double, file: String)

    /// Closes the store and returns the bytes it occupies on disk.
    func closeAndMeasureSize() throws -> StoreSize
}

/// Bytes a store occupies on disk, and what they are made of (for the progress log).
struct StoreSize: Sendable {
    var bytes: Int
    var detail: String
}

/// What a read phase saw: how many events, and a checksum of what it touched (which keeps the
/// optimiser from skipping the reads and lets the bench check the event count).
struct Tally: Sendable, Equatable {
    var events = 0
    var checksum = 0

    @inline(__always)
    mutating func add(_ value: Int) {
        events += 1
        checksum = checksum &* 31 &+ value
    }
}

/// A store returned something other than what was written.
struct BenchCheckError: Error, CustomStringConvertible {
    var description: String
}
