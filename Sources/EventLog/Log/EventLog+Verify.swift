import Foundation

/// The outcome of `EventLog.verify`.
public struct VerificationReport: Sendable, CustomStringConvertible {
    /// True when every record's checksum and the hash chain (up to the digest, if one was given)
    /// are intact.
    public var isIntact: Bool
    public var eventsChecked: UInt64
    /// The last digest that was reached with an intact chain.
    public var verifiedHead: LogHead
    /// The first problem found.
    public var failure: Failure?

    public struct Failure: Sendable, Hashable {
        public var position: UInt64
        public var segment: String
        public var offset: UInt64
        public var reason: String
    }

    public var description: String {
        if let f = failure {
            return "FAILED at position \(f.position) (segment \(f.segment), byte \(f.offset)): \(f.reason)"
        }
        return "intact: \(eventsChecked) events, head \(verifiedHead)"
    }
}

extension EventLog {
    /// Rechecks the log from the bytes on disk: every segment header, every record's CRC, every
    /// block's decompression and event structure, position continuity, and the SHA-256 chain.
    /// With `digest`, checks only up to that position and that the chain hash there equals it.
    /// Costs a full read of the log (or of the prefix up to the digest).
    public func verify(upTo digest: LogHead? = nil) -> VerificationReport {
        let (segments, lengths, committedHead) = state.withLock { ($0.segments, $0.segmentLengths, $0.head) }
        var report = VerificationReport(isIntact: true, eventsChecked: 0, verifiedHead: .empty, failure: nil)
        func fail(_ position: UInt64, _ segment: String, _ offset: Int, _ reason: String) -> VerificationReport {
            report.isIntact = false
            report.failure = .init(position: position, segment: segment, offset: UInt64(offset), reason: reason)
            return report
        }
        if let d = digest, d.position > committedHead.position {
            return fail(d.position, "-", 0, "the digest's position \(d.position) is beyond the head \(committedHead.position)")
        }
        if let d = digest, d.position == 0 {
            return d.hash == .zero ? report : fail(0, "-", 0, "the empty log's hash is all zeros")
        }
        var running = ChainHash.zero
        var next: UInt64 = 1
        var lastTime = Int64.min
        for (segment, length) in zip(segments, lengths) {
            let image = segment.bytes(0, length)
            guard length >= SegmentHeader.size, let header = try? SegmentHeader.decode(image) else {
                return fail(next, segment.name, 0, "segment header is damaged")
            }
            guard header.firstPosition == next else {
                return fail(next, segment.name, 0, "segment starts at position \(header.firstPosition), expected \(next)")
            }
            guard header.previousHash == running else {
                return fail(next, segment.name, 0, "segment header does not continue the hash chain")
            }
            var offset = SegmentHeader.size
            while offset < length {
                switch RecordScanner.record(in: image, at: offset) {
                case .failure(let problem):
                    return fail(next, segment.name, offset, problem.description)
                case .success(let (record, after)):
                    if case .batch(let o, let h) = record {
                        guard h.firstPosition == next else {
                            return fail(next, segment.name, o, "batch starts at position \(h.firstPosition), expected \(next)")
                        }
                        guard h.previousHash == running else {
                            return fail(next, segment.name, o,
                                        "hash chain broken: the batch before position \(next) was altered")
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
                        // Structure of every event, block by block.
                        let entries = RecordScanner.blockTable(in: image, batchOffset: o, header: h)?.entries ?? []
                        let structureOK: Bool = content.withUnsafeBytes { raw in
                            var start = 0
                            var position = next
                            for entry in entries {
                                let block = UnsafeRawBufferPointer(rebasing: raw[start..<(start + Int(entry.rawLength))])
                                do {
                                    try BlockDecoder.forEachEvent(in: block, eventCount: Int(entry.eventCount), firstPosition: position,
                                                                  batchFirstRecordedAt: h.firstRecordedAt,
                                                                  malformed: { error, _ in error }) { e in
                                        if e.recordedAt.microsecondsSinceEpoch > h.lastRecordedAt { throw FormatError.malformed("recorded-at") }
                                    }
                                } catch { return false }
                                start += Int(entry.rawLength)
                                position += UInt64(entry.eventCount)
                            }
                            return start == raw.count
                        }
                        guard structureOK else {
                            return fail(next, segment.name, o, "events do not decode as the batch declares")
                        }
                        var hasher = ChainHasher(previous: running, firstPosition: h.firstPosition,
                                                 eventCount: h.eventCount, firstRecordedAt: h.firstRecordedAt)
                        content.withUnsafeBytes { hasher.update($0) }
                        running = hasher.finalize()
                        next = h.lastPosition + 1
                        lastTime = h.lastRecordedAt
                        report.eventsChecked += UInt64(h.eventCount)
                        report.verifiedHead = LogHead(position: h.lastPosition, hash: running)
                        if let d = digest, h.lastPosition >= d.position {
                            if h.lastPosition != d.position {
                                return fail(d.position, segment.name, o,
                                            "position \(d.position) is not the end of a commit; use a digest from 'log head'")
                            }
                            if running != d.hash {
                                return fail(d.position, segment.name, o,
                                            "chain hash at position \(d.position) is \(running.hex), the digest says \(d.hash.hex)")
                            }
                            return report
                        }
                    }
                    offset = after
                }
            }
        }
        if running != committedHead.hash {
            return fail(committedHead.position, segments.last?.name ?? "-", 0,
                        "the recomputed head hash differs from the one the log opened with")
        }
        return report
    }
}
