/// Rechecking the log from the bytes on disk: the whole chain (`verify`, the background check
/// of a writable open) and the commits since the stream index file recorded its head (a
/// writable open, before it appends).
enum ChainCheck {
    /// The commit before a broken link: its content no longer hashes to what the next record
    /// says, so it is the first bad one.
    struct Commit {
        var segment: String
        var offset: Int
        var positions: ClosedRange<UInt64>
        /// The verified head and event count before it.
        var before: LogHead
        var checkedBefore: UInt64
    }

    /// Walks every segment of `s` and recomputes the chain (up to `digest` when given), checks the
    /// hash at `indexedHead` (what the stream index file recorded) when the walk reaches it, and, with `index`, compares the stream index
    /// with what the events say (`StreamIndexCheck`, in bounded memory). `stop` is polled between commits (the report then ends early
    /// with `failure` nil and `isIntact` false).
    ///
    /// With `ids` (an event-id index file whose coverage matched the chain when it was opened),
    /// also looks up every covered event's id in it: one that is missing is reported in
    /// `idIndexProblem` (the file must not be used: an append of that id would not be seen as
    /// a retry).
    static func walk(_ s: LogState, upTo digest: LogHead?, indexedHead: LogHead?, index: StreamIndex?,
                     ids: EventIDIndexFile? = nil, stop: () -> Bool = { false }) -> VerificationReport {
        var report = VerificationReport(isIntact: true, eventsChecked: 0, verifiedHead: .empty, failure: nil)
        func fail(_ position: UInt64, _ segment: String, _ offset: Int, _ reason: String,
                  positions: ClosedRange<UInt64>? = nil) -> VerificationReport {
            report.isIntact = false
            report.failure = .init(position: position, segment: segment, offset: UInt64(offset), reason: reason, positions: positions)
            return report
        }
        func fail(_ commit: Commit, _ reason: String) -> VerificationReport {
            report.verifiedHead = commit.before
            report.eventsChecked = commit.checkedBefore
            return fail(commit.positions.lowerBound, commit.segment, commit.offset, reason, positions: commit.positions)
        }
        func range(_ c: Commit) -> String { "\(c.positions.lowerBound)-\(c.positions.upperBound)" }

        if let d = digest, d.position > s.head.position {
            return fail(d.position, "-", 0, "the digest's position \(d.position) is beyond the head \(s.head.position)")
        }
        if let d = digest, d.position == 0 {
            return d.hash == .zero ? report : fail(0, "-", 0, "the empty log's hash is all zeros")
        }
        var indexCheck = index.map { StreamIndexCheck($0) }
        var running = ChainHash.zero
        var next: UInt64 = 1
        var lastTime = Int64.min
        var previous: Commit?
        // The whole log is read through its mappings: what is read is dropped as the walk goes.
        var behind = ReadBehind(startingAt: 0)
        for (index, (segment, length)) in zip(s.segments, s.segmentLengths).enumerated() {
            let image = segment.bytes(0, length)
            guard length >= SegmentHeader.size, let header = try? SegmentHeader.decode(image) else {
                return fail(next, segment.name, 0, "segment header is damaged")
            }
            guard header.firstPosition == next else {
                return fail(next, segment.name, 0, "segment starts at position \(header.firstPosition), expected \(next)")
            }
            guard header.previousHash == running else {
                if let p = previous {
                    return fail(p, "the content of the commit at positions \(range(p)) does not hash to what the header of segment "
                                + "\(segment.name) records: an event in \(range(p)) was altered (or that header was)")
                }
                return fail(next, segment.name, 0, "segment header does not continue the hash chain")
            }
            var offset = SegmentHeader.size
            while offset < length {
                if stop() {
                    report.isIntact = false
                    return report
                }
                switch RecordScanner.record(in: image, at: offset) {
                case .failure(let problem):
                    return fail(next, segment.name, offset, problem.description)
                case .success(let (record, after)):
                    defer { offset = after }
                    guard case .batch(let o, let h) = record else { continue }
                    guard h.firstPosition == next else {
                        return fail(next, segment.name, o, "batch starts at position \(h.firstPosition), expected \(next)")
                    }
                    guard h.previousHash == running else {
                        if let p = previous {
                            return fail(p, "the content of the commit at positions \(range(p)) does not hash to what the next commit "
                                        + "(position \(next), byte \(o) of \(segment.name)) records: an event in \(range(p)) was "
                                        + "altered (or the next commit's header was)")
                        }
                        return fail(next, segment.name, o, "hash chain broken: the first commit does not continue the segment header")
                    }
                    guard h.firstRecordedAt >= lastTime || lastTime == .min, h.lastRecordedAt >= h.firstRecordedAt else {
                        return fail(next, segment.name, o, "recorded-at goes backwards")
                    }
                    let content: [UInt8]
                    do {
                        content = try BatchReader.content(segment: segment, length: length, batchOffset: o, header: h)
                    } catch {
                        return fail(next, segment.name, o, "\(error)")
                    }
                    guard decodes(content, image: image, batchOffset: o, header: h, index: &indexCheck,
                                  ids: report.idIndexProblem == nil ? ids : nil, idProblem: &report.idIndexProblem) else {
                        return fail(next, segment.name, o, "events do not decode as the batch declares")
                    }
                    var hasher = ChainHasher(previous: running, firstPosition: h.firstPosition,
                                             eventCount: h.eventCount, firstRecordedAt: h.firstRecordedAt)
                    content.withUnsafeBytes { hasher.update($0) }
                    let this = Commit(segment: segment.name, offset: o, positions: h.firstPosition...h.lastPosition,
                                      before: report.verifiedHead, checkedBefore: report.eventsChecked)
                    running = hasher.finalize()
                    next = h.lastPosition + 1
                    lastTime = h.lastRecordedAt
                    report.eventsChecked += UInt64(h.eventCount)
                    report.verifiedHead = LogHead(position: h.lastPosition, hash: running)
                    if let c = indexedHead, c.position == h.lastPosition, c.hash != running {
                        return fail(this, "the commit at positions \(range(this)) changed after the stream index recorded its chain "
                                    + "hash (at a close or checkpoint): it is now \(running.hex), it was \(c.hash.hex)")
                    }
                    if let d = digest, h.lastPosition >= d.position {
                        if h.lastPosition != d.position {
                            return fail(d.position, segment.name, o,
                                        "position \(d.position) is not the end of a commit; use a digest from 'log head'")
                        }
                        if running != d.hash {
                            return fail(this, "chain hash at position \(d.position) is \(running.hex), the digest says "
                                        + "\(d.hash.hex): an event of positions \(range(this)) was altered, or the digest is not this log's")
                        }
                        report.indexProblem = indexCheck?.finish(complete: false)
                        return report
                    }
                    previous = this
                    behind.reached(o, ofSegment: index, in: s.segments)
                }
            }
            behind.finish(atSegment: index, in: s.segments)
        }
        if running != s.head.hash {
            return fail(s.head.position, s.segments.last?.name ?? "-", 0,
                        "the recomputed head hash differs from the one the log opened with")
        }
        report.indexProblem = indexCheck?.finish(complete: true)
        return report
    }

    /// Decodes every event of a batch's content as its block table declares (and records it in
    /// `index`).
    private static func decodes(_ content: [UInt8], image: UnsafeRawBufferPointer, batchOffset o: Int,
                                header h: BatchHeader, index: inout StreamIndexCheck?,
                                ids: EventIDIndexFile?, idProblem: inout String?) -> Bool {
        let entries = RecordScanner.blockTable(in: image, batchOffset: o, header: h)?.entries ?? []
        return content.withUnsafeBytes { raw in
            var start = 0
            var position = h.firstPosition
            for entry in entries {
                guard start + Int(entry.rawLength) <= raw.count else { return false }
                let block = UnsafeRawBufferPointer(rebasing: raw[start..<(start + Int(entry.rawLength))])
                do {
                    try BlockDecoder.forEachEvent(in: block, eventCount: Int(entry.eventCount), firstPosition: position,
                                                  batchFirstRecordedAt: h.firstRecordedAt,
                                                  malformed: { error, _ in error }) { e in
                        if e.recordedAt.microsecondsSinceEpoch > h.lastRecordedAt { throw FormatError.malformed("recorded-at") }
                        index?.record(key: IndexHashing.key(e.streamBytes), version: e.streamVersion, position: e.position)
                        if let ids, idProblem == nil, e.position <= ids.coveredPosition,
                           ids.firstPosition(fingerprint: EventIDIndexFile.fingerprint(e.id),
                                            where: { $0.contains(e.position) ? e.position : nil }) == nil {
                            idProblem = "the event-id index (index/ids.idx) does not match the log: it has no entry for the id of "
                                + "the event at position \(e.position)"
                        }
                    }
                } catch { return false }
                start += Int(entry.rawLength)
                position += UInt64(entry.eventCount)
            }
            return start == raw.count
        }
    }

    /// Before a writable open appends: the commit ending where the stream index file recorded
    /// the head (at the last close or checkpoint) must still hash to what the writer computed
    /// then, and every commit after it (written by a session that did not close) must continue
    /// the chain. Costs reading the commits since then.
    /// - Throws: `LogError.corruptBatch` naming the first commit that does not.
    static func sinceIndexed(_ recorded: LogHead, state s: LogState) throws {
        guard recorded.position > 0, recorded.position <= s.head.position,
              let first = s.batches.index(holding: recorded.position), s.batches[first].lastPosition == recorded.position else {
            return
        }
        var running: ChainHash?
        var previous: BatchRef?
        for k in first..<s.batches.count {
            let b = s.batches[k]
            let segment = s.segments[Int(b.segmentIndex)]
            let length = s.segmentLengths[Int(b.segmentIndex)]
            let header: BatchHeader
            do {
                header = try BatchHeader.decode(segment.bytes(Int(b.recordOffset), BatchHeader.size))
            } catch {
                throw LogError.corruptBatch(segment: segment.name, offset: UInt64(b.recordOffset), position: b.firstPosition,
                                            reason: "batch header: \(error)")
            }
            if let r = running, let p = previous, header.previousHash != r {
                let name = s.segments[Int(p.segmentIndex)].name
                throw LogError.corruptBatch(
                    segment: name, offset: UInt64(p.recordOffset), position: p.firstPosition,
                    reason: "the content of the commit at positions \(p.firstPosition)-\(p.lastPosition) does not hash to what "
                        + "the next commit records: an event in it was altered (or the next commit's header was); "
                        + "no append was made on top of it")
            }
            let content = try BatchReader.content(segment: segment, length: length, batchOffset: Int(b.recordOffset), header: header)
            var hasher = ChainHasher(previous: header.previousHash, firstPosition: header.firstPosition,
                                     eventCount: header.eventCount, firstRecordedAt: header.firstRecordedAt)
            content.withUnsafeBytes { hasher.update($0) }
            let hash = hasher.finalize()
            if k == first && hash != recorded.hash {
                throw changed(b, in: segment, recorded: recorded, now: hash)
            }
            running = hash
            previous = b
        }
    }

    /// The error for a log whose chain hash at the position the stream index file recorded
    /// differs from what the file says.
    static func changedSinceIndexed(_ recorded: LogHead, state s: LogState) -> LogError {
        guard let i = s.batches.index(holding: recorded.position) else {
            return .corruptIndex(reason: "the stream index file records position \(recorded.position), which is not in the log")
        }
        let b = s.batches[i]
        let segment = s.segments[Int(b.segmentIndex)]
        guard b.lastPosition == recorded.position else {
            return .corruptBatch(segment: segment.name, offset: UInt64(b.recordOffset), position: b.firstPosition,
                                 reason: "the stream index recorded a commit ending at position \(recorded.position), but the log has a "
                                    + "commit of positions \(b.firstPosition)-\(b.lastPosition) there: the log changed after the index was "
                                    + "saved; run 'fabriek-admin log verify'")
        }
        let now = Recovery.hash(at: recorded.position, s) ?? .zero
        return changed(b, in: segment, recorded: recorded, now: now)
    }

    private static func changed(_ b: BatchRef, in segment: MappedSegment, recorded: LogHead, now: ChainHash) -> LogError {
        .corruptBatch(segment: segment.name, offset: UInt64(b.recordOffset), position: b.firstPosition,
                      reason: "the commit at positions \(b.firstPosition)-\(b.lastPosition) changed after the stream index recorded "
                        + "its chain hash at the last close or checkpoint (it is now \(now.hex), it was \(recorded.hash.hex)); no "
                        + "append was made on top of it. Run 'fabriek-admin log verify'; only if the log verifies against a digest you "
                        + "trust, delete index/streams.idx (derived data) to open it")
    }
}
