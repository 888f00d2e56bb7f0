extension LogWriter {
    /// A batch's events encoded into blocks of canonical content (uncompressed).
    struct EncodedBlocks {
        var content: ByteWriter
        var blocks: [BlockEncoder.Finished]
    }

    /// A batch's blocks compressed, with their block table.
    struct CompressedBlocks {
        var table: ByteWriter
        var bytes: [UInt8]
        /// Bytes of `bytes` in use.
        var used: Int
        var storedLengths: [Int]
    }

    /// Encodes the events of one commit into blocks of about `blockTarget` bytes.
    func encode(_ events: [PlannedEvent]) throws(LogError) -> EncodedBlocks {
        let firstTime = events[0].recordedAt
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
        return EncodedBlocks(content: content, blocks: blocks)
    }

    /// Compresses each block with the dictionary in force and builds the block table.
    func compress(_ encoded: EncodedBlocks) -> CompressedBlocks {
        let blocks = encoded.blocks
        var table = ByteWriter(capacity: blocks.count * BatchHeader.maximumBlockEntrySize)
        let capacity = blocks.reduce(0) { $0 + BlockCompressor.bound($1.end - $1.start) }
        var compressed = [UInt8](repeating: 0, count: capacity)
        var storedLengths: [Int] = []
        storedLengths.reserveCapacity(blocks.count)
        var used = 0
        encoded.content.bytes.withUnsafeBytes { src in
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
        return CompressedBlocks(table: table, bytes: compressed, used: used, storedLengths: storedLengths)
    }

    /// Appends the batch record (header with its CRC, block table, blocks) to `record`.
    func appendBatchRecord(_ header: BatchHeader, _ compressed: CompressedBlocks, to record: inout [UInt8]) {
        let headerBytes = header.encodedWithoutChecksum()
        var crc = headerBytes.withUnsafeBytes { fabriek_crc32c(0, $0.baseAddress, $0.count) }
        crc = compressed.table.bytes.withUnsafeBytes { fabriek_crc32c(crc, $0.baseAddress, $0.count) }
        crc = compressed.bytes.withUnsafeBytes { fabriek_crc32c(crc, $0.baseAddress, compressed.used) }
        record.append(contentsOf: headerBytes)
        withUnsafeBytes(of: crc.littleEndian) { record.append(contentsOf: $0) }
        record.append(contentsOf: compressed.table.bytes)
        record.append(contentsOf: compressed.bytes[0..<compressed.used])
    }
}

import CCRC32C
