import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LogWriter {
    /// Encodes, compresses, writes and syncs one batch; publishes it; returns the new head.
    func write(_ events: [PlannedEvent], after head: LogHead, log: EventLog) throws(LogError) -> LogHead {
        let firstPosition = head.position + 1
        let firstTime = events[0].recordedAt
        let lastTime = events[events.count - 1].recordedAt
        let encoded = try encode(events)
        let blocks = encoded.blocks

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

        let previousDictionary = dictionaryState
        var record: [UInt8] = []
        record.reserveCapacity(estimate)
        refreshDictionaryIfDue(newSegment: newSegment, into: &record)
        let batchOffset = writeOffset + record.count
        let compressed = compress(encoded)

        var hasher = ChainHasher(previous: head.hash, firstPosition: firstPosition,
                                 eventCount: UInt32(events.count), firstRecordedAt: firstTime)
        encoded.content.bytes.withUnsafeBytes { hasher.update($0) }
        let hash = hasher.finalize()
        let header = BatchHeader(blockCount: UInt16(blocks.count), firstPosition: firstPosition,
                                 eventCount: UInt32(events.count), bodyLength: UInt32(compressed.table.count + compressed.used),
                                 firstRecordedAt: firstTime, lastRecordedAt: lastTime,
                                 dictionaryOffset: dictionaryOffset, uncompressedLength: UInt32(encoded.content.count),
                                 previousHash: head.hash)
        appendBatchRecord(header, compressed, to: &record)

        try writeDurably(record, restoring: previousDictionary, log: log)
        let newHead = LogHead(position: firstPosition + UInt64(events.count) - 1, hash: hash)
        publish(events, header: header, batchOffset: batchOffset, recordLength: record.count, encoded: encoded,
                compressed: compressed, newHead: newHead, log: log)
        keepRecentContent(encoded)
        return newHead
    }

    /// One `pwrite` of the records at the end of the segment, then (`Durability.fsync`) one
    /// `fdatasync`. A failed write is cut back and changes nothing. A failed `fdatasync` stops
    /// the writer for good: the page cache can no longer be trusted to reach the disk, so the
    /// sync is not retried; the bytes are cut back (best effort, not synced) and every later
    /// append throws `.writerFailed` until the log is reopened from what is really on disk.
    func writeDurably(_ record: [UInt8], restoring previousDictionary: DictionaryState, log: EventLog) throws(LogError) {
        do throws(LogError) {
            try FileIO.pwriteAll(fd, record, offset: writeOffset, path: segmentPath)
        } catch {
            _ = ftruncate(fd, off_t(writeOffset))
            restore(previousDictionary)
            throw error
        }
        guard options.durability == .fsync else { return }
        do throws(LogError) {
            try FileIO.fdatasync(fd, path: segmentPath)
        } catch {
            _ = ftruncate(fd, off_t(writeOffset))
            let failure = LogError.writerFailed(
                reason: "\(error.description); the commit was not acknowledged and the writer accepts nothing more")
            log.state.withLock { $0.failure = failure }
            throw failure
        }
    }

    /// Makes a durable batch visible to readers (batch and block tables, stream index, head)
    /// and wakes the subscribers waiting for it.
    func publish(_ events: [PlannedEvent], header: BatchHeader, batchOffset: Int, recordLength: Int, encoded: EncodedBlocks,
                 compressed: CompressedBlocks, newHead: LogHead, log: EventLog) {
        let firstPosition = header.firstPosition
        var blockRefs: [BlockRef] = []
        blockRefs.reserveCapacity(encoded.blocks.count)
        var p = firstPosition
        var dataOffset = batchOffset + BatchHeader.size + compressed.table.count
        for (b, stored) in zip(encoded.blocks, compressed.storedLengths) {
            blockRefs.append(BlockRef(firstPosition: p, batchFirstRecordedAt: header.firstRecordedAt, segmentIndex: UInt32(segmentIndex),
                                      dataOffset: UInt32(dataOffset), storedLength: UInt32(stored),
                                      rawLength: UInt32(b.end - b.start), dictionaryOffset: dictionaryOffset,
                                      eventCount: b.events))
            p += UInt64(b.events)
            dataOffset += stored
        }
        writeOffset += recordLength
        batchesInSegment += 1
        let endOffset = writeOffset
        let segmentIndex = self.segmentIndex
        let waiters: [CheckedContinuation<Void, Never>] = log.state.withLock { s in
            s.batches.append(BatchRef(firstPosition: firstPosition, eventCount: UInt32(events.count),
                                      segmentIndex: UInt32(segmentIndex), recordOffset: UInt32(batchOffset),
                                      firstRecordedAt: header.firstRecordedAt,
                                      lastRecordedAt: header.lastRecordedAt))
            s.blocks.append(contentsOf: blockRefs)
            // Each record looks its stream up in the in-memory table (hundreds of MB at 10M
            // events): its slot prefetched a few events ahead, then its entry.
            let ahead = 8, nearer = 4
            for k in 0..<min(ahead, events.count) { s.index.prefetchSlot(events[k].key) }
            for k in 0..<min(nearer, events.count) { s.index.prefetchEntry(events[k].key) }
            var position = firstPosition
            for k in events.indices {
                if k + ahead < events.count { s.index.prefetchSlot(events[k + ahead].key) }
                if k + nearer < events.count { s.index.prefetchEntry(events[k + nearer].key) }
                s.index.record(key: events[k].key, position: position, version: events[k].streamVersion)
                position += 1
            }
            s.head = newHead
            s.lastRecordedAt = header.lastRecordedAt
            s.segmentLengths[segmentIndex] = endOffset
            let w = Array(s.waiters.values)
            s.waiters.removeAll()
            return w
        }
        for w in waiters { w.resume() }
    }
}
