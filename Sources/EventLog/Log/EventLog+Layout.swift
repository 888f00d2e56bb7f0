

extension EventLog {
    /// The position ranges of the commits (batches) that hold `from...through`, in order.
    /// Appending each range's events in one call reproduces the original batches, hence the same
    /// chain hashes. Cost: a binary search, then one range per commit.
    public func commitRanges(from: UInt64, through: UInt64) -> [ClosedRange<UInt64>] {
        state.withLock { s in
            let last = min(through, s.head.position)
            guard from <= last, var i = s.batches.index(holding: max(from, 1)) else { return [] }
            var out: [ClosedRange<UInt64>] = []
            while i < s.batches.count, s.batches[i].firstPosition <= last {
                out.append(s.batches[i].firstPosition...s.batches[i].lastPosition)
                i += 1
            }
            return out
        }
    }

    /// The segment files and their committed lengths at this instant, consistent with `head`.
    /// Segments are append-only, so those bytes never change afterwards.
    /// - Throws: `LogError.closed`.
    public func committedFiles() throws -> CommittedFiles {
        try state.withLock { s throws(LogError) in
            try s.checkOpen()
            let segments = zip(s.segments, s.segmentLengths).map {
                CommittedFiles.Segment(name: $0.name, path: $0.path, committedLength: $1)
            }
            return CommittedFiles(head: s.head, segments: segments)
        }
    }

    /// Drops this process's resident pages of the mapped segments (`madvise(MADV_DONTNEED)` of
    /// each read-only shared mapping): the bytes stay in the page cache and are mapped again
    /// when next read, so nothing changes for readers, but pages a long sequential read left
    /// behind (e.g. an import reading the stored log once) stop counting as this process's
    /// memory (resident file pages are part of its RSS).
    public func dropResidentSegmentPages() {
        let segments = state.withLock { $0.segments }
        for segment in segments { segment.dropResidentPages() }
    }
}
