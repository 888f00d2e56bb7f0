import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads what can still be read from a damaged log, for auditors: every batch whose record is
/// intact, without opening the log.
///
/// `EventLog.open` refuses a log with damage anywhere but a torn tail (one flipped byte blocks
/// every command). Salvage walks the segment files itself, read-only — no lock, no recovery,
/// nothing written — and calls `body` with the events of every batch that still verifies: its
/// record's CRC matches, the dictionary it names is intact, its blocks decompress to the
/// declared content, and every event in it decodes. Past a bad record it searches the rest of
/// the segment for the next intact batch, so one damaged commit costs only that commit's
/// positions. Where two salvaged batches meet, the later one's stored previous hash is checked
/// against the earlier one's recomputed chain hash; a mismatch is reported as a finding (the
/// events are still delivered: each record verified on its own).
///
/// The report names every position range it could not recover and why (segment, byte offset,
/// the check that failed), including ranges lost to missing segment files and the positions a
/// damaged record at the end claimed; what lies past the last readable batch of the last
/// segment cannot be known and is reported as an unreadable tail.
public enum LogSalvage {
    /// A range of positions salvage could not recover, and why.
    public struct Loss: Sendable, Hashable, CustomStringConvertible {
        /// The positions lost; nil upper bound when the extent is unknown (a damaged end of
        /// the log: everything after `first` that the log held).
        public var first: UInt64
        public var last: UInt64?
        public var reason: String

        public var description: String {
            let range = last.map { $0 == first ? "position \(first)" : "positions \(first)...\($0)" } ?? "positions from \(first) on (extent unknown)"
            return "\(range): \(reason)"
        }
    }

    /// What salvage read and what it could not.
    public struct Report: Sendable, Hashable {
        /// Batches (commits) delivered, as position ranges.
        public var recovered: [ClosedRange<UInt64>] = []
        public var eventCount: UInt64 = 0
        public var losses: [Loss] = []
        /// Other observations: chain links that do not match, records skipped that held no
        /// positions (damaged dictionaries), unreadable segment headers.
        public var findings: [String] = []

        /// True when nothing was lost.
        public var isComplete: Bool { losses.isEmpty }
    }

    /// Salvages the log in `directory` (the directory holding `segments/`). `body` receives each
    /// recovered event and the first position of its commit, in log order.
    /// - Throws: `LogError.io` when `segments/` cannot be listed; what `body` throws.
    public static func salvage(directory: String,
                               _ body: (RecordedEvent, _ commitFirstPosition: UInt64) throws -> Void) throws -> Report {
        let segmentsDirectory = directory + "/segments"
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: segmentsDirectory)
        } catch {
            throw LogError.io(operation: "list", path: segmentsDirectory, errno: ENOENT)
        }
        let numbers = names.compactMap { name -> UInt32? in
            guard name.hasSuffix(".seg"), name.count == 14 else { return nil }
            return UInt32(name.dropLast(4))
        }.sorted()
        var state = Walk()
        var expectedNumber: UInt32 = 1
        for number in numbers {
            if number > expectedNumber {
                let missing = (expectedNumber..<number).map(MappedSegment.fileName)
                state.missingSegments = missing
            }
            expectedNumber = number + 1
            try salvage(segment: number, in: segmentsDirectory, state: &state, body)
        }
        if !state.missingSegments.isEmpty {
            // Missing segments after the last one present: their positions are unknown.
            state.report.losses.append(Loss(first: state.nextPosition, last: nil,
                                            reason: "segment files \(state.missingSegments.joined(separator: ", ")) are missing"))
        } else if let tail = state.pendingTail {
            state.report.losses.append(Loss(first: state.nextPosition, last: tail.claimedLast, reason: tail.reason))
        }
        return state.report
    }

    /// Where the walk stands between batches and segments.
    private struct Walk {
        var report = Report()
        var nextPosition: UInt64 = 1
        var lastHash: ChainHash?
        var missingSegments: [String] = []
        /// The first damage since the last good batch: reported as a loss once the next good
        /// batch (or the end) shows how many positions it cost.
        var pendingTail: (reason: String, claimedLast: UInt64?)?

        mutating func damage(_ reason: String, claimedLast: UInt64?) {
            guard let pending = pendingTail else {
                pendingTail = (reason, claimedLast)
                return
            }
            let claims = [pending.claimedLast, claimedLast].compactMap { $0 }
            pendingTail = (pending.reason + "; then " + reason, claims.max())
        }

        /// A good batch starts at `first`: the positions before it that nothing delivered are lost.
        mutating func reach(_ first: UInt64, segment: String) {
            if first > nextPosition {
                let reason: String
                if !missingSegments.isEmpty {
                    reason = "segment files \(missingSegments.joined(separator: ", ")) are missing"
                } else if let pending = pendingTail {
                    reason = pending.reason
                } else {
                    reason = "no intact batch holds them (the next intact batch, in \(segment), starts at \(first))"
                }
                report.losses.append(Loss(first: nextPosition, last: first - 1, reason: reason))
            } else if let pending = pendingTail {
                // The damaged record held no positions of its own (e.g. a dictionary).
                report.findings.append("skipped a damaged record holding no positions before \(first): \(pending.reason)")
            }
            missingSegments = []
            pendingTail = nil
        }
    }

    private static func salvage(segment number: UInt32, in segmentsDirectory: String, state: inout Walk,
                                _ body: (RecordedEvent, UInt64) throws -> Void) throws {
        let name = MappedSegment.fileName(number)
        let path = segmentsDirectory + "/" + name
        let length: Int
        let segment: MappedSegment
        do {
            let fd = try FileIO.open(path, O_RDONLY)
            defer { close(fd) }
            length = try FileIO.size(fd, path: path)
            segment = try MappedSegment(number: number, path: path, name: name, capacity: max(length, 1))
        } catch {
            state.damage("\(name) cannot be read: \(error)", claimedLast: nil)
            return
        }
        let image = segment.bytes(0, length)
        var offset = SegmentHeader.size
        if length < SegmentHeader.size {
            state.damage("\(name) is shorter than its header (\(length) bytes)", claimedLast: nil)
            return
        }
        do {
            let header = try SegmentHeader.decode(image)
            if header.number != number {
                state.report.findings.append("\(name): its header names segment \(header.number)")
            }
        } catch {
            state.report.findings.append("\(name): header unreadable (\(error)); its batches are read without it")
        }
        while offset < length {
            switch RecordScanner.record(in: image, at: offset) {
            case .success(let (record, next)):
                switch record {
                case .dictionary:
                    offset = next
                case .batch(let o, let header):
                    if let problem = try deliver(batch: header, at: o, segment: segment, length: length, state: &state, body) {
                        state.damage("\(name) offset \(o): batch of positions \(header.firstPosition)...\(header.lastPosition): \(problem)",
                                     claimedLast: header.lastPosition)
                    }
                    offset = next
                }
            case .failure(let problem):
                var claimed: UInt64?
                var what = "record"
                if length - offset >= BatchHeader.size,
                   image.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian == RecordMagic.batch,
                   let header = try? BatchHeader.decode(UnsafeRawBufferPointer(rebasing: image[offset...])),
                   header.eventCount > 0 {
                    // The header may itself be damaged: only trust a claim that continues the log.
                    if header.firstPosition >= state.nextPosition && header.firstPosition - state.nextPosition < 1 << 32 {
                        claimed = header.lastPosition
                        what = "batch claiming positions \(header.firstPosition)...\(header.lastPosition)"
                    }
                }
                state.damage("\(name) offset \(offset): \(what): \(problem)", claimedLast: claimed)
                guard let resume = nextBatch(in: image, after: offset) else {
                    offset = length
                    break
                }
                offset = resume
            }
        }
    }

    /// The offset of the next intact batch record after `offset`, if any.
    private static func nextBatch(in image: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var o = offset + 1
        while o + BatchHeader.size <= image.count {
            if image[o] == 0x42, image.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian == RecordMagic.batch,
               case .success = RecordScanner.record(in: image, at: o) {
                return o
            }
            o += 1
        }
        return nil
    }

    /// Checks and delivers one batch whose record CRC matched; returns why it was refused.
    private static func deliver(batch header: BatchHeader, at offset: Int, segment: MappedSegment, length: Int,
                                state: inout Walk, _ body: (RecordedEvent, UInt64) throws -> Void) throws -> String? {
        guard header.eventCount > 0 else { return "holds no events" }
        guard header.firstPosition >= state.nextPosition else {
            return "overlaps positions already recovered (next expected \(state.nextPosition))"
        }
        let image = segment.bytes(0, length)
        if header.dictionaryOffset != 0 {
            let d = Int(header.dictionaryOffset)
            guard d < offset, case .success(let (.dictionary, _)) = RecordScanner.record(in: image, at: d) else {
                return "the dictionary it was compressed with (offset \(header.dictionaryOffset)) is damaged"
            }
        }
        let content: [UInt8]
        do {
            content = try BatchReader.content(segment: segment, length: length, batchOffset: offset, header: header)
        } catch {
            return "\(error)"
        }
        guard let (entries, _) = RecordScanner.blockTable(in: image, batchOffset: offset, header: header) else {
            return "block table does not parse or does not match the lengths in the header"
        }
        // Decode every event before delivering any: a batch is recovered whole or not at all.
        var events: [RecordedEvent] = []
        events.reserveCapacity(Int(header.eventCount))
        do {
            try content.withUnsafeBytes { all in
                var rawOffset = 0
                var position = header.firstPosition
                for e in entries {
                    let block = UnsafeRawBufferPointer(rebasing: all[rawOffset..<(rawOffset + Int(e.rawLength))])
                    try BlockDecoder.forEachEvent(in: block, eventCount: Int(e.eventCount), firstPosition: position,
                                                  batchFirstRecordedAt: header.firstRecordedAt,
                                                  malformed: { error, p in SalvageError(reason: "event \(p) does not decode: \(error)") }) { view in
                        events.append(view.materialize())
                    }
                    rawOffset += Int(e.rawLength)
                    position += UInt64(e.eventCount)
                }
            }
        } catch {
            return "\(error)"
        }
        guard events.count == Int(header.eventCount) else {
            return "holds \(events.count) events, its header says \(header.eventCount)"
        }
        var hasher = ChainHasher(previous: header.previousHash, firstPosition: header.firstPosition,
                                 eventCount: header.eventCount, firstRecordedAt: header.firstRecordedAt)
        content.withUnsafeBytes { hasher.update($0) }
        let hash = hasher.finalize()
        state.reach(header.firstPosition, segment: segment.name)
        if let previous = state.lastHash, header.firstPosition == state.nextPosition, previous != header.previousHash {
            state.report.findings.append("the chain breaks before position \(header.firstPosition): the batch's stored previous hash does not match the recomputed hash of the batch before it")
        }
        for event in events { try body(event, header.firstPosition) }
        state.report.recovered.append(header.firstPosition...header.lastPosition)
        state.report.eventCount += UInt64(header.eventCount)
        state.nextPosition = header.lastPosition + 1
        state.lastHash = hash
        return nil
    }

    struct SalvageError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
