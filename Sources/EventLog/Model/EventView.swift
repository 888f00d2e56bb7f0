import Foundation

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

    /// Calls `body(key, value)` for each metadata pair as stored (UTF-8, in the order the writer
    /// stored them: keys sorted by their UTF-8 bytes), without building strings.
    public func forEachMetadataPair(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard metadataCount > 0 else { return }
        var r = ByteReader(metadataBytes)
        for _ in 0..<metadataCount {
            guard let k = try? r.readLengthPrefixed(), let v = try? r.readLengthPrefixed() else { return }
            try body(k, v)
        }
    }

    /// Copies the event out of the log's memory.
    public func materialize() -> RecordedEvent {
        RecordedEvent(position: position, id: id, stream: stream, streamVersion: streamVersion, type: type,
                      schemaVersion: schemaVersion, recordedAt: recordedAt, metadata: metadata,
                      payload: Array(payload))
    }
}
