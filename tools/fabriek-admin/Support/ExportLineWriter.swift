import EventLog
import Events
import Foundation

/// Writes `export`'s lines straight from the log's memory into an output buffer: the same bytes
/// as `EventRendering(context: .sealed, exact: true).line(_:commit:)` (canonical JSON, keys in
/// UTF-8 order), without building a `RecordedEvent`, a dictionary of fields or per-field strings.
struct ExportLineWriter {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends one event's line (without the newline) to `out`.
    static func append(_ e: EventView, commit: UInt64, to out: inout [UInt8]) {
        var json: [UInt8]?
        var reproduces = false
        if let event = try? EventCatalogue.decode(typeBytes: e.typeBytes, schemaVersion: e.schemaVersion, payload: e.payload),
           let canonical = try? event.canonicalJSON(context: .sealed) {
            json = canonical
            // The canonical JSON parses back to the same typed event, so it reproduces the
            // stored bytes exactly when re-encoding the decoded event does (a current version).
            if event.schemaVersion == e.schemaVersion {
                let encoded = event.encodePayload()
                reproduces = encoded.count == e.payload.count && encoded.withUnsafeBytes {
                    memcmp($0.baseAddress!, e.payload.baseAddress!, $0.count) == 0
                }
            }
        }
        out.append(contentsOf: #"{"commit":"#.utf8)
        appendDecimal(commit, to: &out)
        out.append(contentsOf: #","data":"#.utf8)
        if let json { out.append(contentsOf: json) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","id":""#.utf8)
        appendUUID(e.id, to: &out)
        out.append(0x22)
        let metadata = e.metadata
        if !metadata.isEmpty {
            out.append(contentsOf: #","metadata":{"#.utf8)
            var first = true
            for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if !first { out.append(0x2C) }
                first = false
                JSONWriter.appendQuoted(key, to: &out)
                out.append(0x3A)
                JSONWriter.appendQuoted(metadata[key]!, to: &out)
            }
            out.append(0x7D)
        }
        if !reproduces {
            out.append(contentsOf: #","payload":""#.utf8)
            appendBase64(e.payload, to: &out)
            out.append(0x22)
        }
        out.append(contentsOf: #","position":"#.utf8)
        appendDecimal(e.position, to: &out)
        out.append(contentsOf: #","recordedAt":""#.utf8)
        out.append(contentsOf: ISO8601Time.format(e.recordedAt))
        out.append(contentsOf: #"","schemaVersion":"#.utf8)
        appendDecimal(UInt64(e.schemaVersion), to: &out)
        out.append(contentsOf: #","stream":"#.utf8)
        appendQuoted(e.streamBytes, to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        appendQuoted(e.typeBytes, to: &out)
        out.append(contentsOf: #","version":"#.utf8)
        appendDecimal(e.streamVersion, to: &out)
        out.append(0x7D)
    }

    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 { out.append(0x30 + UInt8(v)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var n = 0
        var v = v
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[23 - n] = 0x30 + UInt8(v % 10); v /= 10; n += 1 }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: d[(24 - n)...]))
        }
    }

    /// The id in lower case, 8-4-4-4-12 (as `uuidString.lowercased()`).
    static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { b in
            for k in 0..<16 {
                if k == 4 || k == 6 || k == 8 || k == 10 { out.append(0x2D) }
                out.append(hex[Int(b[k] >> 4)])
                out.append(hex[Int(b[k] & 0xF)])
            }
        }
    }

    /// A JSON string of UTF-8 bytes, escaped as `JSONWriter.appendQuoted` escapes.
    static func appendQuoted(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(0x22)
        for c in s {
            switch c {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x08: out.append(0x5C); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(0x5C); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]])
            default: out.append(c)
            }
        }
        out.append(0x22)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding (as `Data.base64EncodedString()`).
    static func appendBase64(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        var k = 0
        let n = bytes.count
        while k + 3 <= n {
            let v = UInt32(bytes[k]) << 16 | UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k + 2])
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(alphabet[Int(v & 63)])
            k += 3
        }
        if n - k == 1 {
            let v = UInt32(bytes[k]) << 16
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(contentsOf: "==".utf8)
        } else if n - k == 2 {
            let v = UInt32(bytes[k]) << 16 | UInt32(bytes[k + 1]) << 8
            out.append(alphabet[Int(v >> 18)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)])
            out.append(0x3D)
        }
    }
}
