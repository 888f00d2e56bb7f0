import Foundation

/// The content of one block (see FORMAT.md, "Block content"): a table of the event types the
/// block uses, the event ids side by side, then one row per event. Ids are random and do not
/// compress; kept apart they cost LZ4 one literal run per block instead of breaking every row,
/// and the rows without them are what the next dictionary is made of.
///
/// Positions are implicit; recorded-at is a delta from the batch's first.
struct BlockEncoder {
    private var types: [String] = []
    private var typeTable = ByteWriter(capacity: 256)
    private var ids = ByteWriter(capacity: 1024)
    private var rows = ByteWriter(capacity: 8192)
    private(set) var eventCount = 0

    /// Bytes the block will have when finished.
    var size: Int { varintSize(UInt64(types.count)) + typeTable.count + ids.count + rows.count }

    mutating func add(id: UUID, streamVersion: UInt64, recordedAtDelta: UInt64, schemaVersion: UInt32,
                      stream: String, type: String, metadata: [String: String], payload: [UInt8]) {
        let typeIndex: Int
        if let i = types.firstIndex(of: type) {
            typeIndex = i
        } else {
            typeIndex = types.count
            types.append(type)
            typeTable.appendLengthPrefixed(type)
        }
        withUnsafeBytes(of: id.uuid) { ids.appendRaw($0) }
        rows.appendVarint(UInt64(typeIndex))
        rows.appendVarint(streamVersion)
        rows.appendVarint(recordedAtDelta)
        rows.appendVarint(UInt64(schemaVersion))
        rows.appendLengthPrefixed(stream)
        rows.appendVarint(UInt64(metadata.count))
        if !metadata.isEmpty {
            for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                rows.appendLengthPrefixed(key)
                rows.appendLengthPrefixed(metadata[key]!)
            }
        }
        rows.appendLengthPrefixed(payload)
        eventCount += 1
    }

    /// Where the parts of a finished block lie in the batch content.
    struct Finished {
        var events: UInt32
        var start: Int
        var idsStart: Int
        var idsEnd: Int
        var end: Int
    }

    /// Appends the block to `content` and starts an empty one.
    mutating func finish(into content: inout ByteWriter) -> Finished {
        let start = content.count
        content.appendVarint(UInt64(types.count))
        content.appendRaw(typeTable.bytes)
        let idsStart = content.count
        content.appendRaw(ids.bytes)
        let idsEnd = content.count
        content.appendRaw(rows.bytes)
        let finished = Finished(events: UInt32(eventCount), start: start, idsStart: idsStart, idsEnd: idsEnd, end: content.count)
        types.removeAll(keepingCapacity: true)
        typeTable.bytes.removeAll(keepingCapacity: true)
        ids.bytes.removeAll(keepingCapacity: true)
        rows.bytes.removeAll(keepingCapacity: true)
        eventCount = 0
        return finished
    }

    private func varintSize(_ v: UInt64) -> Int { v < 0x80 ? 1 : (64 - v.leadingZeroBitCount + 6) / 7 }
}

/// Decodes the events of one block's content, in order.
enum BlockDecoder {
    /// Calls `body` for events `skip..<eventCount` of the block, with positions from
    /// `firstPosition`; checks the block's structure (every event whole, nothing left over).
    @inline(__always)
    static func forEachEvent(in content: UnsafeRawBufferPointer, eventCount: Int, firstPosition: UInt64,
                             batchFirstRecordedAt: Int64, skip: Int = 0, limit: Int? = nil,
                             malformed: (FormatError, UInt64) -> Error,
                             _ body: (borrowing EventView) throws -> Void) throws {
        var r = ByteReader(content)
        let typeCount: UInt64
        do { typeCount = try r.readVarint() } catch { throw malformed(error, firstPosition) }
        guard typeCount >= 1, typeCount <= UInt64(eventCount) else {
            throw malformed(.malformed("type table of \(typeCount) entries for \(eventCount) events"), firstPosition)
        }
        try withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: Int(typeCount)) { table in
            let ids: UnsafeRawBufferPointer
            do throws(FormatError) {
                for i in 0..<Int(typeCount) {
                    let name = try r.readLengthPrefixed()
                    guard !name.isEmpty else { throw .malformed("empty event type") }
                    table.initializeElement(at: i, to: name)
                }
                ids = try r.readBytes(16 * eventCount)
            } catch { throw malformed(error, firstPosition) }
            let end = limit.map { Swift.min($0, eventCount) } ?? eventCount
            for k in 0..<end {
                let position = firstPosition + UInt64(k)
                let view: EventView
                do throws(FormatError) {
                    view = try decodeRow(&r, id: UnsafeRawBufferPointer(rebasing: ids[(16 * k)..<(16 * k + 16)]),
                                         types: UnsafeBufferPointer(table), position: position,
                                         batchFirstRecordedAt: batchFirstRecordedAt)
                } catch { throw malformed(error, position) }
                if k >= skip { try body(view) }
            }
            if end == eventCount && !r.isAtEnd {
                throw malformed(.malformed("block content goes on after its last event"), firstPosition + UInt64(eventCount - 1))
            }
        }
    }

    @inline(__always)
    private static func decodeRow(_ r: inout ByteReader, id: UnsafeRawBufferPointer, types: UnsafeBufferPointer<UnsafeRawBufferPointer>,
                                  position: UInt64, batchFirstRecordedAt: Int64) throws(FormatError) -> EventView {
        let typeIndex = try r.readVarint()
        guard typeIndex < UInt64(types.count) else { throw .malformed("type index \(typeIndex) outside the block's table") }
        let streamVersion = try r.readVarint()
        let delta = try r.readVarint()
        let schema = try r.readVarint()
        let stream = try r.readLengthPrefixed()
        let metadataCount = try r.readVarint()
        let metadataStart = r.offset
        if metadataCount > 0 {
            guard metadataCount <= UInt64(r.remaining) else { throw .truncated }
            for _ in 0..<metadataCount {
                _ = try r.readLengthPrefixed()
                _ = try r.readLengthPrefixed()
            }
        }
        let metadata = UnsafeRawBufferPointer(start: r.base + metadataStart, count: r.offset - metadataStart)
        let payload = try r.readLengthPrefixed()
        guard delta <= UInt64(Int64.max), schema <= UInt64(UInt32.max) else { throw .malformed("field out of range") }
        return EventView(position: position, idBytes: id, streamVersion: streamVersion,
                         schemaVersion: UInt32(schema),
                         recordedAt: Timestamp(microsecondsSinceEpoch: batchFirstRecordedAt &+ Int64(delta)),
                         streamBytes: stream, typeBytes: types[Int(typeIndex)], metadataCount: Int(metadataCount),
                         metadataBytes: metadata, payload: payload)
    }
}
