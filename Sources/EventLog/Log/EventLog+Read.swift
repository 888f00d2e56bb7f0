import Foundation

extension EventLog {
    /// The stream's version: its number of events, 0 when it does not exist.
    public func streamVersion(_ stream: String) -> UInt64 {
        state.withLock { $0.index.version(of: stream) }
    }

    /// The stream's version and the position of its last event (nil when the stream does not
    /// exist), from the stream index under one lock: no event is read. An aggregate read waits
    /// for its read model to reach `lastPosition`, so that it reflects the stream's last event.
    public func streamHead(_ stream: String) -> (version: UInt64, lastPosition: UInt64?) {
        state.withLock { s in
            let key = IndexHashing.key(stream)
            let version = s.index.version(of: key)
            guard version > 0 else { return (0, nil) }
            return (version, s.index.positions(of: key, from: version, through: version).last)
        }
    }

    /// `forEachEvent`, with each event first turned into a value by `decode` (a typed event):
    /// `body` gets each event's view and its value, in order, on the caller's thread. Scans of
    /// more than 20,000 events decode ahead on two threads (one of the log's own, and the
    /// caller's whenever its next page is not ready), so decoding is shared by two cores;
    /// `decode` must therefore be thread-safe and must not keep the view. An error thrown by
    /// `decode` ends the scan (events before it have been passed to `body`).
    public func forEachEvent<Decoded: Sendable>(from position: UInt64, through last: UInt64? = nil,
                                                decodedBy decode: @escaping @Sendable (borrowing EventView) throws -> Decoded,
                                                _ body: (borrowing EventView, Decoded) throws -> Void) throws {
        let next = max(position, 1)
        let end: UInt64 = try state.withLock { s throws(LogError) in
            try s.checkOpen()
            return min(last ?? s.head.position, s.head.position)
        }
        if end >= next && end - next >= Self.pipelineThreshold && ProcessInfo.processInfo.activeProcessorCount > 1 {
            try ReplayPipeline<Decoded>(decode: decode).run(log: self, from: next, end: end, decoded: body)
            return
        }
        guard next <= end else { return }
        try forEachEvent(from: next, through: end) { view in try body(view, try decode(view)) }
    }

    /// The event at `position`.
    /// - Throws: `LogError.positionOutOfRange`, `.corruptBatch`, `.closed`.
    public func event(at position: UInt64) throws -> RecordedEvent {
        var out: RecordedEvent?
        try forEachEvent(from: position, through: position) { out = $0.materialize() }
        guard let out else {
            throw LogError.positionOutOfRange(position: position, head: head().position)
        }
        return out
    }

    /// Up to `maxCount` events from `position` (inclusive) forward.
    public func read(from position: UInt64, maxCount: Int) throws -> [RecordedEvent] {
        guard maxCount > 0 else { return [] }
        let from = max(position, 1)
        let (last, _) = from.addingReportingOverflow(UInt64(maxCount) - 1)
        var out: [RecordedEvent] = []
        out.reserveCapacity(min(maxCount, 4096))
        try forEachEvent(from: from, through: last < from ? .max : last) { out.append($0.materialize()) }
        return out
    }

    /// Scans longer than this many events decompress ahead on a second thread.
    static let pipelineThreshold: UInt64 = 20_000

    /// Calls `body` for every event from `position` through `last` (default: the head at the
    /// time of the call), in order, without copying: the view is valid only inside `body`.
    /// This is the fast path for replays (millions of events per second).
    public func forEachEvent(from position: UInt64, through last: UInt64? = nil,
                             _ body: (borrowing EventView) throws -> Void) throws {
        var next = max(position, 1)
        var reader = BatchReader()
        let end: UInt64 = try state.withLock { s throws(LogError) in
            try s.checkOpen()
            return min(last ?? s.head.position, s.head.position)
        }
        if end >= next && end - next >= Self.pipelineThreshold && ProcessInfo.processInfo.activeProcessorCount > 1 {
            try ReplayPipeline<Never>(decode: nil).run(log: self, from: next, end: end, body)
            return
        }
        while next <= end {
            // Take a page of block references under the lock, then decompress without it.
            let (page, segments) = state.withLock { s -> ([BlockRef], [MappedSegment]) in
                guard let i = s.blocks.index(holding: next) else { return ([], []) }
                return (Array(s.blocks[i..<min(i + 512, s.blocks.count)]), s.segments)
            }
            if page.isEmpty { break }
            for block in page {
                if block.firstPosition > end { return }
                try reader.forEachEvent(in: block, segments: segments, range: next...end, body)
                next = block.lastPosition + 1
            }
        }
    }

    /// Events of one stream. Forward from `version` (default 1) or backward from `version`
    /// (default: the last), at most `maxCount`.
    ///
    /// Every event returned belongs to `stream` and carries the version asked for: the stream
    /// index is derived data, so when an event it points to does not (a damaged or forged index
    /// file), the index is rebuilt from the segments (a scan of the log) and the read is answered
    /// from the rebuilt one.
    /// - Throws: `LogError.corruptIndex` when even the rebuilt index disagrees with the events,
    ///   `.corruptBatch`, `.closed`.
    public func readStream(_ stream: String, from version: UInt64? = nil, direction: ReadDirection = .forward,
                           maxCount: Int = .max) throws -> [RecordedEvent] {
        guard maxCount > 0 else { return [] }
        if let events = try readStreamChecked(stream, from: version, direction: direction, maxCount: maxCount) {
            return events
        }
        try rebuildStreamIndex()
        guard let events = try readStreamChecked(stream, from: version, direction: direction, maxCount: maxCount) else {
            throw LogError.corruptIndex(reason: "the stream index rebuilt from the segments still points stream '\(stream)' at other events")
        }
        return events
    }

    /// `readStream`, or nil when an event the index points to is not the stream's event of the
    /// version asked for.
    private func readStreamChecked(_ stream: String, from version: UInt64?, direction: ReadDirection,
                                   maxCount: Int) throws -> [RecordedEvent]? {
        let key = IndexHashing.key(stream)
        let (positions, refs, segments, firstVersion): ([UInt64], [BlockRef], [MappedSegment], UInt64) = try state.withLock { s throws(LogError) in
            try s.checkOpen()
            let current = s.index.version(of: key)
            guard current > 0 else { return ([], [], [], 0) }
            var ps: [UInt64]
            let first: UInt64
            switch direction {
            case .forward:
                let from = max(version ?? 1, 1)
                let count = UInt64(min(maxCount, Int(min(current, UInt64(Int.max)))))
                let (through, overflow) = from.addingReportingOverflow(count - 1)
                ps = s.index.positions(of: key, from: from, through: overflow ? current : min(through, current))
                first = from
            case .backward:
                let from = min(version ?? current, current)
                guard from >= 1 else { return ([], [], [], 0) }
                let count = UInt64(min(maxCount, Int(min(from, UInt64(Int.max)))))
                ps = s.index.positions(of: key, from: from - count + 1, through: from)
                ps.reverse()
                first = from
            }
            var refs: [BlockRef] = []
            refs.reserveCapacity(ps.count)
            for p in ps {
                if let last = refs.last, p >= last.firstPosition, p <= last.lastPosition { refs.append(last); continue }
                guard let i = s.blocks.index(holding: p) else { return ([], [], [], UInt64.max) }
                refs.append(s.blocks[i])
            }
            return (ps, refs, s.segments, first)
        }
        if firstVersion == .max { return nil }  // the index points past the head
        var reader = BatchReader()
        var out: [RecordedEvent] = []
        out.reserveCapacity(positions.count)
        let utf8 = Array(stream.utf8)
        var expected = firstVersion
        var belongs = true
        for (k, (p, block)) in zip(positions, refs).enumerated() {
            try reader.forEachEvent(in: block, segments: segments, range: p...p) { view in
                if view.streamVersion != expected || !view.streamBytes.elementsEqual(utf8) { belongs = false }
                out.append(view.materialize())
            }
            if !belongs || out.count != k + 1 { return nil }
            expected = direction == .forward ? expected &+ 1 : expected &- 1
        }
        return out
    }

    /// The position in force at `instant`: the last event recorded at or before it (0 if none).
    public func position(at instant: Timestamp) -> UInt64 {
        let t = instant.microsecondsSinceEpoch
        let batch: BatchRef? = state.withLock { s in
            s.batches.lastBatch(recordedAtOrBefore: t).map { s.batches[$0] }
        }
        guard let batch else { return 0 }
        if batch.lastRecordedAt <= t { return batch.lastPosition }
        // Imported batches carry their original, differing times: look inside.
        var found = batch.firstPosition
        try? forEachEvent(from: batch.firstPosition, through: batch.lastPosition) { e in
            if e.recordedAt.microsecondsSinceEpoch <= t { found = e.position }
        }
        return found
    }
}
