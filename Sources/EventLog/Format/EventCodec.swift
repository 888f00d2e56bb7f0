import Foundation

/// Encodes events into a batch's canonical content and decodes them back (see FORMAT.md,
/// "Event encoding"). Positions are implicit; recorded-at is a delta from the batch's first.
enum EventCodec {
    static func encode(id: UUID, streamVersion: UInt64, recordedAtDelta: UInt64, schemaVersion: UInt32,
                       stream: String, type: String, metadata: [String: String], payload: [UInt8],
                       into w: inout ByteWriter) {
        withUnsafeBytes(of: id.uuid) { w.appendRaw($0) }
        w.appendVarint(streamVersion)
        w.appendVarint(recordedAtDelta)
        w.appendVarint(UInt64(schemaVersion))
        w.appendLengthPrefixed(stream)
        w.appendLengthPrefixed(type)
        w.appendVarint(UInt64(metadata.count))
        if !metadata.isEmpty {
            for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                w.appendLengthPrefixed(key)
                w.appendLengthPrefixed(metadata[key]!)
            }
        }
        w.appendLengthPrefixed(payload)
    }

    /// Decodes the next event of a block; `reader` advances past it.
    @inline(__always)
    static func decode(_ r: inout ByteReader, position: UInt64, batchFirstRecordedAt: Int64) throws(FormatError) -> EventView {
        let idBytes = try r.readBytes(16)
        let streamVersion = try r.readVarint()
        let delta = try r.readVarint()
        let schema = try r.readVarint()
        let stream = try r.readLengthPrefixed()
        let type = try r.readLengthPrefixed()
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
        return EventView(position: position, idBytes: idBytes, streamVersion: streamVersion,
                         schemaVersion: UInt32(schema),
                         recordedAt: Timestamp(microsecondsSinceEpoch: batchFirstRecordedAt &+ Int64(delta)),
                         streamBytes: stream, typeBytes: type, metadataCount: Int(metadataCount),
                         metadataBytes: metadata, payload: payload)
    }
}

/// A stored event seen in place, without copying: every buffer points into the log's memory and
/// is valid only inside the closure that received the view. Use `materialize()` to keep it.
public struct EventView {
    public let position: UInt64
    let idBytes: UnsafeRawBufferPointer
    public let streamVersion: UInt64
    public let schemaVersion: UInt32
    public let recordedAt: Timestamp
    /// The stream id as UTF-8.
    public let streamBytes: UnsafeRawBufferPointer
    /// The event type as UTF-8.
    public let typeBytes: UnsafeRawBufferPointer
    let metadataCount: Int
    let metadataBytes: UnsafeRawBufferPointer
    /// The payload bytes.
    public let payload: UnsafeRawBufferPointer

    public var id: UUID {
        var t: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &t) { $0.copyMemory(from: idBytes) }
        return UUID(uuid: t)
    }

    public var stream: String { String(decoding: streamBytes, as: UTF8.self) }
    public var type: String { String(decoding: typeBytes, as: UTF8.self) }

    /// True when the type equals `name` (no allocation).
    public func hasType(_ name: StaticString) -> Bool {
        name.withUTF8Buffer { $0.count == typeBytes.count && memcmp($0.baseAddress!, typeBytes.baseAddress!, $0.count) == 0 }
    }

    public var metadata: [String: String] {
        guard metadataCount > 0 else { return [:] }
        var r = ByteReader(metadataBytes)
        var out = [String: String](minimumCapacity: metadataCount)
        for _ in 0..<metadataCount {
            guard let k = try? r.readLengthPrefixed(), let v = try? r.readLengthPrefixed() else { break }
            out[String(decoding: k, as: UTF8.self)] = String(decoding: v, as: UTF8.self)
        }
        return out
    }

    /// Copies the event out of the log's memory.
    public func materialize() -> RecordedEvent {
        RecordedEvent(position: position, id: id, stream: stream, streamVersion: streamVersion, type: type,
                      schemaVersion: schemaVersion, recordedAt: recordedAt, metadata: metadata,
                      payload: Array(payload))
    }
}
