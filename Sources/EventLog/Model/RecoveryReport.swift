/// What opening a log found after the last whole record of its last segment, and what it did
/// about it. Empty for a log that was closed cleanly or crashed between commits.
///
/// A writable open cuts a torn tail (bytes of a commit that never became durable, so were never
/// acknowledged) and keeps the cut bytes in a quarantine file beside the segment; a read-only
/// open leaves them in place and reports them. Nothing is ever deleted without a finding here.
/// Print `description` (the admin CLI does).
public struct RecoveryReport: Sendable, Hashable, CustomStringConvertible {
    /// One stretch of bytes at the end of the log that is not a whole, valid record.
    public struct TailFinding: Sendable, Hashable, CustomStringConvertible {
        /// The segment file's name, e.g. `0000000003.seg`.
        public var segment: String
        /// Byte offset in the segment where the bad bytes start.
        public var offset: UInt64
        /// How many bytes (to the end of the file).
        public var length: UInt64
        /// The last position kept: every event up to it is intact and stays.
        public var lastKeptPosition: UInt64
        /// The positions the torn record claims in its header, when that much of it is readable.
        public var claimedPositions: ClosedRange<UInt64>?
        /// Why the bytes are a torn write and not a damaged commit.
        public var reason: String
        /// True when this open cut the bytes from the segment (a writable open); false when they
        /// were left in place (a read-only open).
        public var wasCut: Bool
        /// Where the cut bytes were kept; nil when nothing was cut or there were no bytes to keep.
        public var quarantinePath: String?

        public init(segment: String, offset: UInt64, length: UInt64, lastKeptPosition: UInt64,
                    claimedPositions: ClosedRange<UInt64>?, reason: String, wasCut: Bool, quarantinePath: String?) {
            self.segment = segment
            self.offset = offset
            self.length = length
            self.lastKeptPosition = lastKeptPosition
            self.claimedPositions = claimedPositions
            self.reason = reason
            self.wasCut = wasCut
            self.quarantinePath = quarantinePath
        }

        public var description: String {
            let claimed = claimedPositions.map { " (a commit of positions \($0.lowerBound)-\($0.upperBound))" } ?? ""
            let what = "\(length) bytes at byte \(offset) of segment \(segment) after position \(lastKeptPosition)\(claimed): \(reason)"
            guard wasCut else {
                return "torn tail of \(what); left in place (a writable open cuts it to a quarantine file)"
            }
            if let quarantinePath {
                return "cut \(what); they were never acknowledged and are kept in \(quarantinePath)"
            }
            return "cut \(what); there were no bytes to keep"
        }
    }

    public var tail: [TailFinding]

    public init(tail: [TailFinding] = []) {
        self.tail = tail
    }

    public var isEmpty: Bool { tail.isEmpty }

    public var description: String {
        tail.isEmpty ? "nothing to recover" : tail.map(\.description).joined(separator: "; ")
    }
}
