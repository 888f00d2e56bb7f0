extension EventLog {
    /// The head as it was right after the commit ending at `position`: the position and the
    /// chain hash an auditor writes down for a report as of that position.
    ///
    /// Returns nil when `position` does not end a commit (or is past the head). Positions from
    /// `position(at:)` end a commit for logs written by `append`; position 0 gives `LogHead.empty`.
    /// Costs a binary search over the batch table.
    public func head(at position: UInt64) -> LogHead? {
        state.withLock { s in
            Recovery.hash(at: position, s).map { LogHead(position: position, hash: $0) }
        }
    }
}
