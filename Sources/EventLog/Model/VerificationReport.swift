/// The outcome of `EventLog.verify`.
///
/// `isIntact` is true only when nothing at all is wrong: every record's checksum and the hash
/// chain (up to the digest, if one was given) verify, the stream index matches the log, no torn
/// tail is left at the end of the log, and no quarantine file (bytes a past open cut from the
/// tail) lies beside the segments.
public struct VerificationReport: Sendable, CustomStringConvertible {
    public var isIntact: Bool
    public var eventsChecked: UInt64
    /// The last digest reached with an intact chain: the end of the last good commit.
    public var verifiedHead: LogHead
    /// The first problem found in the chain.
    public var failure: Failure?
    /// Bytes after the last whole record that this (read-only) open left in place.
    public var tail: [RecoveryReport.TailFinding] = []
    /// Quarantine files beside the segments: bytes an open cut from the tail. Inspect them, then
    /// move them out of the log directory to acknowledge the cut.
    public var quarantined: [String] = []
    /// The stream index did not match the log (a damaged or forged `index/streams.idx`). A
    /// writable log has rebuilt it from the segments by the time `verify` returns.
    public var indexProblem: String?
    /// The event-id index file did not match the log (a damaged or forged `index/ids.idx`). A
    /// writable log no longer uses it: its writer reads the ids from the segments again.
    public var idIndexProblem: String?

    public struct Failure: Sendable, Hashable {
        /// The first position of the first bad commit (or the position the problem is at).
        public var position: UInt64
        public var segment: String
        public var offset: UInt64
        public var reason: String
        /// The positions of the first bad commit, when the problem lies in one.
        public var positions: ClosedRange<UInt64>?

        public init(position: UInt64, segment: String, offset: UInt64, reason: String, positions: ClosedRange<UInt64>? = nil) {
            self.position = position
            self.segment = segment
            self.offset = offset
            self.reason = reason
            self.positions = positions
        }
    }

    public init(isIntact: Bool, eventsChecked: UInt64, verifiedHead: LogHead, failure: Failure?) {
        self.isIntact = isIntact
        self.eventsChecked = eventsChecked
        self.verifiedHead = verifiedHead
        self.failure = failure
    }

    /// What is wrong besides the chain, one sentence each.
    public var findings: [String] {
        var out = tail.map { $0.description }
        out += quarantined.map { "\($0) holds bytes an open cut from the tail of the log; inspect it, then move it out of the log directory" }
        if let indexProblem { out.append(indexProblem) }
        if let idIndexProblem { out.append(idIndexProblem) }
        return out
    }

    public var description: String {
        if let f = failure {
            let commit = f.positions.map { ", the commit of positions \($0.lowerBound)-\($0.upperBound)" } ?? ""
            return "FAILED at position \(f.position) (segment \(f.segment), byte \(f.offset)\(commit)): \(f.reason); "
                + "verified up to \(verifiedHead)"
        }
        let findings = findings
        if !findings.isEmpty {
            return "NOT INTACT: the chain verifies (\(eventsChecked) events, head \(verifiedHead)), but "
                + findings.joined(separator: "; ")
        }
        return "intact: \(eventsChecked) events, head \(verifiedHead)"
    }
}
