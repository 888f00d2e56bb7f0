import EventLog
import Events
import Foundation

/// Writes `export`'s lines straight from the log's memory into an output buffer: the same bytes
/// as `EventRendering(context: .sealed, exact: true).line(_:commit:)` (canonical JSON, keys in
/// UTF-8 order), without building a `RecordedEvent`, a dictionary of fields or per-field strings.
///
/// Two steps, so the costly one can run on another thread: `renderData` decodes the payload and
/// renders its canonical JSON (thread-safe, keeps nothing of the view), `append` writes the line
/// around it.
struct ExportLineWriter {
    /// An event's `data` rendered: its canonical JSON (nil when the type is unknown or the
    /// payload does not decode) and whether that JSON reproduces the stored payload exactly
    /// (else the line also carries the raw `payload`).
    struct RenderedData: Sendable {
        var json: [UInt8]?
        var reproduces: Bool
    }

    /// Decodes `e`'s payload and renders its canonical JSON (sealed fields stay sealed).
    static func renderData(_ e: borrowing EventView) -> RenderedData {
        guard let event = try? EventCatalogue.decode(typeBytes: e.typeBytes, schemaVersion: e.schemaVersion, payload: e.payload),
              let canonical = try? event.canonicalJSON(context: .sealed) else {
            return RenderedData(json: nil, reproduces: false)
        }
        // The canonical JSON parses back to the same typed event, so it reproduces the stored
        // bytes exactly when re-encoding the decoded event does (a current version).
        var reproduces = false
        if event.schemaVersion == e.schemaVersion {
            let encoded = event.encodePayload()
            let stored = e.payload
            reproduces = encoded.count == stored.count && (stored.isEmpty || encoded.withUnsafeBytes {
                memcmp($0.baseAddress!, stored.baseAddress!, $0.count) == 0
            })
        }
        return RenderedData(json: canonical, reproduces: reproduces)
    }

    /// Appends one event's line (without the newline) to `out`.
    static func append(_ e: borrowing EventView, commit: UInt64, to out: inout [UInt8]) {
        append(e, data: renderData(e), commit: commit, to: &out)
    }

    /// Appends one event's line (without the newline) to `out`, with its `data` rendered by
    /// `renderData(e)`.
    static func append(_ e: borrowing EventView, data: RenderedData, commit: UInt64, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"commit":"#.utf8)
        JSONWriter.appendDecimal(commit, to: &out)
        out.append(contentsOf: #","data":"#.utf8)
        if let json = data.json { out.append(contentsOf: json) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","id":""#.utf8)
        JSONWriter.appendUUID(e.id, to: &out)
        out.append(0x22)
        appendMetadata(e, to: &out)
        if !data.reproduces {
            out.append(contentsOf: #","payload":""#.utf8)
            Base64.append(e.payload, to: &out)
            out.append(0x22)
        }
        out.append(contentsOf: #","position":"#.utf8)
        JSONWriter.appendDecimal(e.position, to: &out)
        out.append(contentsOf: #","recordedAt":""#.utf8)
        e.recordedAt.appendISO8601(to: &out)
        out.append(contentsOf: #"","schemaVersion":"#.utf8)
        JSONWriter.appendDecimal(UInt64(e.schemaVersion), to: &out)
        out.append(contentsOf: #","stream":"#.utf8)
        JSONWriter.appendQuoted(e.streamBytes, to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        JSONWriter.appendQuoted(e.typeBytes, to: &out)
        out.append(contentsOf: #","version":"#.utf8)
        JSONWriter.appendDecimal(e.streamVersion, to: &out)
        out.append(0x7D)
    }

    /// `,"metadata":{…}` with keys in UTF-8 order, nothing when the event has none. The log
    /// stores the pairs in that order; pairs stored otherwise are sorted first.
    private static func appendMetadata(_ e: borrowing EventView, to out: inout [UInt8]) {
        var sorted = true
        var previous: UnsafeRawBufferPointer?
        var any = false
        e.forEachMetadataPair { key, _ in
            any = true
            if let p = previous, !p.lexicographicallyPrecedes(key) { sorted = false }
            previous = key
        }
        guard any else { return }
        out.append(contentsOf: #","metadata":{"#.utf8)
        if sorted {
            var first = true
            e.forEachMetadataPair { key, value in
                if !first { out.append(0x2C) }
                first = false
                JSONWriter.appendQuoted(key, to: &out)
                out.append(0x3A)
                JSONWriter.appendQuoted(value, to: &out)
            }
        } else {
            let metadata = e.metadata
            var first = true
            for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if !first { out.append(0x2C) }
                first = false
                JSONWriter.appendQuoted(key, to: &out)
                out.append(0x3A)
                JSONWriter.appendQuoted(metadata[key]!, to: &out)
            }
        }
        out.append(0x7D)
    }
}
