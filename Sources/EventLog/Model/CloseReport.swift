/// What `EventLog.close()` could not do that costs nothing but time later: the derived files
/// (the stream index) it failed to write, e.g. on a full disk. Every commit is durable
/// whatever this says; print `problems` as warnings.
public struct CloseReport: Sendable, Hashable {
    /// One sentence per derived file that was not saved, saying what that costs.
    public var problems: [String] = []

    public init(problems: [String] = []) {
        self.problems = problems
    }
}
