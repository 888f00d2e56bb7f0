import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One append call waiting for its commit.
struct AppendRequest: Sendable {
    var appends: [StreamAppend]
    var continuation: CheckedContinuation<AppendResult, any Error>
}

/// The single writer: a dedicated thread that takes every append queued since its last commit,
/// checks expected versions and idempotency in order, encodes all accepted events into one
/// batch, writes it with one `pwrite` and makes it durable with one `fdatasync` (group commit),
/// then publishes it to readers and resumes the callers.
///
/// Everything below `// Writer-thread state` is touched only by that thread; the queue is
/// guarded by `condition`. Hence `@unchecked Sendable`.
final class LogWriter: @unchecked Sendable {
    static let blockTarget = 4096
    /// A dictionary is refreshed after this much content, or after as much as the segment holds
    /// when that is more (and at most after `dictionaryRefreshMaximum`): each refresh costs
    /// 64 KiB, a stale dictionary costs ~10% on every event.
    static let dictionaryRefreshMinimum = 1 << 20
    static let dictionaryRefreshMaximum = 16 << 20
    /// Room mapped beyond the segment size, so a commit that overshoots it needs no remap.
    static let mappingSlack = 4 << 20
    static let indexCheckpointEvents = 2_000_000

    private let condition = NSCondition()
    private var queue: [AppendRequest] = []
    private var stopping = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)
    private weak var log: EventLog?

    // Writer-thread state
    private let options: EventLog.Options
    private var fd: Int32
    private var segmentIndex: Int
    private var segmentNumber: UInt32
    private var segmentPath: String
    private var writeOffset: Int
    private var batchesInSegment: Int
    private let compressor = BlockCompressor()
    private var dictionary: [UInt8]
    private var dictionaryOffset: UInt32
    private var recent: [UInt8] = []
    private var contentSinceDictionary = 0
    private var blockEncoder = BlockEncoder()
    private var eventIDs = EventIDIndex()

    init(recovered: Recovery.Result, options: EventLog.Options) throws {
        self.options = options
        let s = recovered.state
        let segment = s.segments[s.segments.count - 1]
        segmentIndex = s.segments.count - 1
        segmentNumber = segment.number
        segmentPath = segment.path
        writeOffset = s.segmentLengths[segmentIndex]
        let lastIndex = s.segments.count - 1
        batchesInSegment = s.batches.last.map { Int($0.segmentIndex) == lastIndex ? 1 : 0 } ?? 0
        fd = try FileIO.open(segment.path, O_RDWR)
        dictionary = recovered.dictionary
        dictionaryOffset = recovered.dictionaryOffset
        recent = recovered.dictionary
        dictionary.withUnsafeBytes { compressor.setDictionary($0) }
    }

    deinit { close(fd) }

    func start(log: EventLog) {
        self.log = log
        running = true
        let thread = Thread { [self] in self.run() }
        thread.name = "fabriek-log-writer"
        thread.start()
    }

    func enqueue(_ request: AppendRequest) {
        condition.lock()
        if stopping {
            condition.unlock()
            request.continuation.resume(throwing: LogError.closed)
            return
        }
        queue.append(request)
        condition.signal()
        condition.unlock()
    }

    /// Commits what is queued, then ends the thread and waits for it.
    func stop() {
        condition.lock()
        let wasRunning = running
        stopping = true
        running = false
        condition.signal()
        condition.unlock()
        if wasRunning && Thread.current.name != "fabriek-log-writer" { finished.wait() }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let stop = stopping && batch.isEmpty
            condition.unlock()
            if stop { break }
            guard let log else {
                for r in batch { r.continuation.resume(throwing: LogError.closed) }
                continue
            }
            commit(batch, log: log)
        }
        finished.signal()
    }

    // MARK: - One group commit

    private struct PlannedEvent {
        var event: ProposedEvent
        var stream: String
        /// The stream's index key, hashed once when planned.
        var key: IndexHashing.Key
        var streamVersion: UInt64
        var position: UInt64
        var recordedAt: Int64
    }

    private enum Outcome {
        case accepted(positions: [UInt64], versions: [String: UInt64])
        case alreadyStored(positions: [UInt64], versions: [String: UInt64])
        case refused(LogError)
    }

    private func commit(_ requests: [AppendRequest], log: EventLog) {
        let now = options.clock().microsecondsSinceEpoch
        var planned: [PlannedEvent] = []
        var outcomes: [Outcome] = []
        var head = LogHead.empty
        var poisoned: LogError?

        // Every id of the log, read once after open (outside the lock: readers go on meanwhile;
        // only this thread commits, so the snapshot stays the committed state).
        if !eventIDs.isLoaded {
            let snapshot = log.state.withLock { $0 }
            do {
                try eventIDs.load(from: snapshot)
            } catch {
                // Without every id a retry cannot be told from new events: refuse, write nothing.
                let failure = error as? LogError ?? .writerFailed(reason: "reading the stored event ids: \(error)")
                for r in requests { r.continuation.resume(throwing: failure) }
                return
            }
        }
        log.state.withLock { s in
            head = s.head
            if let f = s.failure { poisoned = f; return }
            if s.closed { poisoned = .closed; return }
            var pendingVersions = KeyedTable<UInt64>()
            var nextPosition = s.head.position + 1
            var running = s.lastRecordedAt
            for request in requests {
                outcomes.append(Self.plan(request.appends, state: s, pendingVersions: &pendingVersions,
                                          eventIDs: &eventIDs, nextPosition: &nextPosition,
                                          running: &running, now: now, planned: &planned))
            }
        }
        if let poisoned {
            for r in requests { r.continuation.resume(throwing: poisoned) }
            return
        }

        var commitError: LogError?
        if !planned.isEmpty {
            do {
                head = try write(planned, after: head, log: log)
            } catch {
                commitError = error
                eventIDs.invalidate()  // it holds the ids of the events just refused
            }
        }

        for (request, outcome) in zip(requests, outcomes) {
            switch outcome {
            case .refused(let error):
                request.continuation.resume(throwing: error)
            case .accepted(let positions, let versions):
                if let commitError {
                    request.continuation.resume(throwing: commitError)
                } else {
                    request.continuation.resume(returning: AppendResult(
                        positions: positions, streamVersions: versions, head: head, wasAlreadyStored: false))
                }
            case .alreadyStored(let positions, let versions):
                request.continuation.resume(with: Result {
                    AppendResult(positions: positions, streamVersions: versions,
                                 head: try log.commitHead(containing: positions.max() ?? 0), wasAlreadyStored: true)
                })
            }
        }
        if commitError == nil { checkpointIndexIfLarge(log: log) }
    }

    /// Checks one append call against the committed state plus what this group already accepted;
    /// on acceptance adds its events to `planned`. Kept to a few hash lookups per event: this is
    /// on the path of every append.
    ///
    /// Idempotency: an append whose event ids are already stored (anywhere in the log, or
    /// accepted earlier in this group) returns the original result and writes nothing, whatever
    /// its expected version; one whose ids are partly stored is refused.
    private static func plan(_ appends: [StreamAppend], state s: LogState, pendingVersions: inout KeyedTable<UInt64>,
                             eventIDs: inout EventIDIndex, nextPosition: inout UInt64, running: inout Int64, now: Int64,
                             planned: inout [PlannedEvent]) -> Outcome {
        var total = 0
        for a in appends {
            if a.stream.isEmpty || a.stream.utf8.count > 1024 {
                return .refused(.invalidAppend(field: "stream", rule: "must be 1 to 1024 bytes of UTF-8"))
            }
            for e in a.events where e.type.isEmpty || e.type.utf8.count > 256 {
                return .refused(.invalidAppend(field: "type", rule: "must be 1 to 256 bytes of UTF-8"))
            }
            total += a.events.count
        }
        if total == 0 { return .refused(.invalidAppend(field: "events", rule: "must not be empty")) }
        if total > 1 {
            var seen = Set<UUID>(minimumCapacity: total)
            for a in appends {
                for e in a.events where !seen.insert(e.id).inserted {
                    return .refused(.duplicateEventInAppend(eventID: e.id.uuidString))
                }
            }
        }

        // Expected versions (a stream may appear twice in one call) and retries. Each stream is
        // hashed once, here; `local` and `pendingVersions` are keyed by that hash.
        var local = KeyedTable<UInt64>(minimumCapacity: appends.count)
        var currents: [UInt64] = []
        currents.reserveCapacity(appends.count)
        var keys: [IndexHashing.Key] = []
        keys.reserveCapacity(appends.count)
        var storedPositions: [UInt64] = []
        var storedVersions: [String: UInt64] = [:]
        var storedAppends = 0
        var firstStoredID: UUID?
        for a in appends where !a.events.isEmpty {
            let key = IndexHashing.key(a.stream)
            keys.append(key)
            let current = local.value(for: key) ?? pendingVersions.value(for: key) ?? s.index.version(of: key)
            // Already stored ids win over the expected version: a retry gets its original result.
            let match: Match
            do {
                match = try findAnywhere(a, eventIDs: eventIDs, state: s, planned: planned)
            } catch {
                return .refused(error as? LogError ?? .writerFailed(reason: "\(error)"))
            }
            if case .none = match {
                let n: UInt64?
                switch a.expectedVersion {
                case .any: n = nil
                case .noStream: n = 0
                case .exact(let v): n = v
                }
                if let n, current != n {
                    return .refused(.wrongExpectedVersion(stream: a.stream, expected: a.expectedVersion, actual: current))
                }
            }
            switch match {
            case .partial(let id, let position):
                return .refused(.partiallyStored(eventID: id.uuidString, position: position))
            case .all(let positions, let stream, let lastVersion):
                storedAppends += 1
                if firstStoredID == nil { firstStoredID = a.events[0].id }
                storedPositions.append(contentsOf: positions)
                storedVersions[stream] = max(storedVersions[stream] ?? 0, lastVersion)
                currents.append(current)
            case .none:
                currents.append(current)
                local.set(key, current + UInt64(a.events.count))
            }
        }
        let nonEmpty = appends.filter { !$0.events.isEmpty }.count
        if storedAppends == nonEmpty { return .alreadyStored(positions: storedPositions, versions: storedVersions) }
        if storedAppends > 0, let id = firstStoredID, let p = storedPositions.first {
            return .refused(.partiallyStored(eventID: id.uuidString, position: p))
        }

        // Recorded-at: never decreasing; imports keep their own time.
        var time = running
        var times: [Int64] = []
        times.reserveCapacity(total)
        for a in appends {
            for e in a.events {
                if let given = e.recordedAt?.microsecondsSinceEpoch {
                    guard given >= time || (s.head.position == 0 && planned.isEmpty && times.isEmpty) else {
                        return .refused(.recordedAtGoesBackwards(
                            given: Timestamp(microsecondsSinceEpoch: given), last: Timestamp(microsecondsSinceEpoch: time)))
                    }
                    time = given
                } else {
                    time = max(time, now)
                }
                times.append(time)
            }
        }
        running = time

        var positions: [UInt64] = []
        positions.reserveCapacity(total)
        var versions: [String: UInt64] = [:]
        versions.reserveCapacity(local.count)
        var i = 0
        for (k, a) in appends.lazy.filter({ !$0.events.isEmpty }).enumerated() {
            var v = currents[k]
            for e in a.events {
                v += 1
                planned.append(PlannedEvent(event: e, stream: a.stream, key: keys[k], streamVersion: v,
                                            position: nextPosition, recordedAt: times[i]))
                positions.append(nextPosition)
                nextPosition += 1
                i += 1
            }
            versions[a.stream] = v  // a stream's later append in the call ends higher
        }
        for entry in local.entries { pendingVersions.set(entry.key, entry.value) }
        for e in planned[(planned.count - total)...] { eventIDs.insert(e.event.id, position: e.position) }
        return .accepted(positions: positions, versions: versions)
    }

    private enum Match {
        case none
        case partial(UUID, UInt64)
        case all(positions: [UInt64], stream: String, lastVersion: UInt64)
    }

    /// Looks for the ids of `a` anywhere in the log, committed or accepted earlier in this group.
    /// All found, in order, at consecutive positions of one stream: a retry (`.all`); some found,
    /// or not in that shape: `.partial`; none: `.none`.
    private static func findAnywhere(_ a: StreamAppend, eventIDs: EventIDIndex, state s: LogState,
                                     planned: [PlannedEvent]) throws -> Match {
        // The common case, new events: no id of `a` has even a fingerprint in the index.
        guard a.events.contains(where: { e in eventIDs.firstPosition(of: e.id, where: { _ in true }) != nil }) else {
            return .none
        }
        var hits: [(position: UInt64, stream: String, version: UInt64)] = []
        for (k, e) in a.events.enumerated() {
            var hit: (position: UInt64, stream: String, version: UInt64)?
            _ = try eventIDs.firstPosition(of: e.id) { p in
                if p > s.head.position {
                    let i = Int(p - s.head.position - 1)
                    guard i < planned.count, planned[i].position == p, planned[i].event.id == e.id else { return false }
                    hit = (p, planned[i].stream, planned[i].streamVersion)
                    return true
                }
                try BatchReader.forEachEvent(in: s, from: p, through: p) { view in
                    if view.id == e.id { hit = (p, view.stream, view.streamVersion) }
                }
                return hit != nil
            }
            if let hit {
                if hits.count != k { return .partial(e.id, hit.position) }
                hits.append(hit)
            } else if let first = hits.first {
                return .partial(a.events[0].id, first.position)
            }
        }
        guard let first = hits.first else { return .none }
        for k in hits.indices.dropFirst()
        where hits[k].position != hits[k - 1].position + 1 || hits[k].stream != first.stream {
            return .partial(a.events[0].id, first.position)
        }
        return .all(positions: hits.map(\.position), stream: first.stream, lastVersion: hits[hits.count - 1].version)
    }

    // MARK: - Encoding, compression and the durable write

    /// Encodes, compresses, writes and syncs one batch; publishes it; returns the new head.
    private func write(_ events: [PlannedEvent], after head: LogHead, log: EventLog) throws(LogError) -> LogHead {
        let firstPosition = head.position + 1
        let firstTime = events[0].recordedAt
        let lastTime = events[events.count - 1].recordedAt

        var content = ByteWriter(capacity: events.count * 256)
        var blocks: [BlockEncoder.Finished] = []
        for e in events {
            blockEncoder.add(id: e.event.id, streamVersion: e.streamVersion,
                             recordedAtDelta: UInt64(e.recordedAt - firstTime), schemaVersion: e.event.schemaVersion,
                             stream: e.stream, type: e.event.type, metadata: e.event.metadata, payload: e.event.payload)
            if blockEncoder.size >= Self.blockTarget { blocks.append(blockEncoder.finish(into: &content)) }
        }
        if blockEncoder.eventCount > 0 { blocks.append(blockEncoder.finish(into: &content)) }
        guard content.count <= Int(UInt32.max) / 2, blocks.count <= Int(UInt16.max) else {
            throw .invalidAppend(field: "events", rule: "one commit must stay below 2 GiB and 65,535 blocks")
        }

        // Start a new segment when this one is full (the size is a target: a commit is never split).
        let estimate = BatchHeader.size + blocks.count * BatchHeader.maximumBlockEntrySize
            + blocks.reduce(0) { $0 + BlockCompressor.bound($1.end - $1.start) }
        let worstCase = estimate + DictionaryRecord.headerSize + DictionaryRecord.maxSize
        var newSegment = false
        if batchesInSegment > 0 && writeOffset + estimate > options.segmentSize {
            try roll(firstPosition: firstPosition, previousHash: head.hash, estimate: worstCase, log: log)
            newSegment = true
        }
        try ensureMapped(upTo: writeOffset + worstCase, log: log)

        // Refresh the dictionary from recent content: at a segment start, while it is small, and
        // then as the segment grows (what a log holds drifts: its first events are rarely like
        // its later ones).
        let previousDictionary = (dictionary, dictionaryOffset, contentSinceDictionary)
        var record: [UInt8] = []
        record.reserveCapacity(estimate)
        let growing = dictionary.count < DictionaryRecord.maxSize && contentSinceDictionary >= max(4096, 2 * dictionary.count)
        let stale = contentSinceDictionary >= min(Self.dictionaryRefreshMaximum, max(Self.dictionaryRefreshMinimum, writeOffset))
        if !recent.isEmpty && (newSegment || (dictionaryOffset == 0 && writeOffset == SegmentHeader.size) || growing || stale) {
            dictionary = Array(recent.suffix(DictionaryRecord.maxSize))
            dictionaryOffset = UInt32(writeOffset)
            dictionary.withUnsafeBytes { record.append(contentsOf: DictionaryRecord.encode($0)) }
            dictionary.withUnsafeBytes { compressor.setDictionary($0) }
            contentSinceDictionary = 0
        }
        let batchOffset = writeOffset + record.count

        // Compress the blocks.
        var table = ByteWriter(capacity: blocks.count * BatchHeader.maximumBlockEntrySize)
        let capacity = blocks.reduce(0) { $0 + BlockCompressor.bound($1.end - $1.start) }
        var compressed = [UInt8](repeating: 0, count: capacity)
        var storedLengths: [Int] = []
        storedLengths.reserveCapacity(blocks.count)
        var used = 0
        content.bytes.withUnsafeBytes { src in
            compressed.withUnsafeMutableBytes { dst in
                for b in blocks {
                    let n = compressor.compress(UnsafeRawBufferPointer(rebasing: src[b.start..<b.end]),
                                                into: dst.baseAddress! + used, capacity: capacity - used)
                    table.appendVarint(UInt64(b.events))
                    table.appendVarint(UInt64(n))
                    table.appendVarint(UInt64(b.end - b.start))
                    storedLengths.append(n)
                    used += n
                }
            }
        }

        var hasher = ChainHasher(previous: head.hash, firstPosition: firstPosition,
                                 eventCount: UInt32(events.count), firstRecordedAt: firstTime)
        content.bytes.withUnsafeBytes { hasher.update($0) }
        let hash = hasher.finalize()

        let header = BatchHeader(blockCount: UInt16(blocks.count), firstPosition: firstPosition,
                                 eventCount: UInt32(events.count), bodyLength: UInt32(table.count + used),
                                 firstRecordedAt: firstTime, lastRecordedAt: lastTime,
                                 dictionaryOffset: dictionaryOffset, uncompressedLength: UInt32(content.count),
                                 previousHash: head.hash)
        let headerBytes = header.encodedWithoutChecksum()
        var crc = headerBytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
        crc = table.bytes.withUnsafeBytes { fabriek_crc32c(crc, $0.baseAddress, $0.count) }
        crc = compressed.withUnsafeBytes { fabriek_crc32c(crc, $0.baseAddress, used) }
        record.append(contentsOf: headerBytes)
        withUnsafeBytes(of: crc.littleEndian) { record.append(contentsOf: $0) }
        record.append(contentsOf: table.bytes)
        record.append(contentsOf: compressed[0..<used])

        // The durable write.
        do throws(LogError) {
            try FileIO.pwriteAll(fd, record, offset: writeOffset, path: segmentPath)
        } catch {
            _ = ftruncate(fd, off_t(writeOffset))
            dictionary = previousDictionary.0
            dictionaryOffset = previousDictionary.1
            contentSinceDictionary = previousDictionary.2
            dictionary.withUnsafeBytes { compressor.setDictionary($0) }
            throw error
        }
        if options.durability == .fsync {
            do throws(LogError) {
                try FileIO.fdatasync(fd, path: segmentPath)
            } catch {
                let failure = LogError.writerFailed(reason: error.description)
                log.state.withLock { $0.failure = failure }
                throw failure
            }
        }

        // Publish.
        let newHead = LogHead(position: firstPosition + UInt64(events.count) - 1, hash: hash)
        var blockRefs: [BlockRef] = []
        blockRefs.reserveCapacity(blocks.count)
        var p = firstPosition
        var dataOffset = batchOffset + BatchHeader.size + table.count
        for (b, stored) in zip(blocks, storedLengths) {
            blockRefs.append(BlockRef(firstPosition: p, batchFirstRecordedAt: firstTime, segmentIndex: UInt32(segmentIndex),
                                      dataOffset: UInt32(dataOffset), storedLength: UInt32(stored),
                                      rawLength: UInt32(b.end - b.start), dictionaryOffset: dictionaryOffset,
                                      eventCount: b.events))
            p += UInt64(b.events)
            dataOffset += stored
        }
        writeOffset += record.count
        batchesInSegment += 1
        let endOffset = writeOffset
        let waiters: [CheckedContinuation<Void, Never>] = log.state.withLock { s in
            s.batches.append(BatchRef(firstPosition: firstPosition, eventCount: UInt32(events.count),
                                      segmentIndex: UInt32(segmentIndex), recordOffset: UInt32(batchOffset),
                                      firstRecordedAt: firstTime,
                                      lastRecordedAt: lastTime))
            s.blocks.append(contentsOf: blockRefs)
            var position = firstPosition
            for e in events {
                s.index.record(key: e.key, position: position)
                position += 1
            }
            s.head = newHead
            s.lastRecordedAt = lastTime
            s.segmentLengths[segmentIndex] = endOffset
            let w = Array(s.waiters.values)
            s.waiters.removeAll()
            return w
        }
        for w in waiters { w.resume() }

        // Keep the last 64 KiB of content without the event ids (which never repeat) as the
        // source of the next dictionary.
        var firstKept = blocks.count
        var kept = 0
        while firstKept > 0 && kept < DictionaryRecord.maxSize {
            firstKept -= 1
            kept += blocks[firstKept].end - blocks[firstKept].start - (blocks[firstKept].idsEnd - blocks[firstKept].idsStart)
        }
        content.bytes.withUnsafeBytes { raw in
            for b in blocks[firstKept...] {
                recent.append(contentsOf: raw[b.start..<b.idsStart])
                recent.append(contentsOf: raw[b.idsEnd..<b.end])
            }
        }
        if recent.count > DictionaryRecord.maxSize { recent.removeFirst(recent.count - DictionaryRecord.maxSize) }
        contentSinceDictionary += content.count
        return newHead
    }

    /// Remaps the active segment when a commit would go beyond its mapping (a commit larger than
    /// the segment size). Readers holding the old mapping keep using it for the bytes they know.
    private func ensureMapped(upTo end: Int, log: EventLog) throws(LogError) {
        let current = log.state.withLock { $0.segments[segmentIndex] }
        guard end > current.capacity else { return }
        let bigger = try MappedSegment(number: current.number, path: current.path, name: current.name,
                                       capacity: end + Self.mappingSlack)
        log.state.withLock { $0.segments[segmentIndex] = bigger }
    }

    /// Seals the current segment and starts the next one with a durable header.
    private func roll(firstPosition: UInt64, previousHash: ChainHash, estimate: Int, log: EventLog) throws(LogError) {
        let number = segmentNumber + 1
        let name = MappedSegment.fileName(number)
        let directory = log.segmentsDirectory
        let path = directory + "/" + name
        let newFD = try FileIO.open(path, O_RDWR | O_CREAT | O_TRUNC)
        do throws(LogError) {
            let header = SegmentHeader(number: number, firstPosition: firstPosition, previousHash: previousHash).encoded()
            try FileIO.pwriteAll(newFD, header, offset: 0, path: path)
            try FileIO.fdatasync(newFD, path: path)
            try FileIO.fsyncDirectory(directory)
        } catch {
            close(newFD)
            unlink(path)
            throw error
        }
        let mapped: MappedSegment
        do throws(LogError) {
            mapped = try MappedSegment(number: number, path: path, name: name,
                                       capacity: max(options.segmentSize, SegmentHeader.size + estimate) + Self.mappingSlack)
        } catch {
            close(newFD)
            throw error
        }
        close(fd)
        fd = newFD
        segmentNumber = number
        segmentPath = path
        writeOffset = SegmentHeader.size
        batchesInSegment = 0
        dictionary = []
        dictionaryOffset = 0
        compressor.clearDictionary()
        segmentIndex = log.state.withLock { s in
            s.segments.append(mapped)
            s.segmentLengths.append(SegmentHeader.size)
            return s.segments.count - 1
        }
    }

    /// Persists the stream index when many events are indexed only in memory, so a later open
    /// after a crash has little to rescan.
    private func checkpointIndexIfLarge(log: EventLog) {
        let snapshot: (StreamIndex, LogHead)? = log.state.withLock { s in
            s.index.inMemoryEvents >= Self.indexCheckpointEvents ? (s.index, s.head) : nil
        }
        guard let (index, head) = snapshot else { return }
        do {
            try StreamIndexFile.write(index, covered: head, path: log.indexPath, directory: log.indexDirectory)
            if let file = try StreamIndexFile.open(path: log.indexPath) {
                log.state.withLock { s in
                    if s.head == head { s.index = StreamIndex(file: file) }
                }
            }
        } catch {
            // The index is derived data: failing to persist it costs a longer open, nothing more.
        }
    }
}

import CCRC32C
