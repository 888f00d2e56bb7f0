import EventLog
import Events
import Foundation
import Projections

/// Writes the JSON of response bodies straight into bytes: objects with their keys sorted,
/// `nil` fields left out, UUIDs lower-case, timestamps ISO 8601 — what `JSONResponse.plain`
/// and `JSONSerialization` gave, at a small fraction of the cost (profiled: a page of 20
/// members took ~5 ms of CPU through `Mirror` and `JSONSerialization`, which capped a read route
/// at a few hundred requests per second).
///
/// Dictionaries, arrays and scalars are written directly; a `JSONFields` value writes its own
/// fields (the read-model rows the hot routes return); anything else goes through
/// `JSONResponse.plain` (reflection) first.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Writes any value a response body holds.
    mutating func value(_ value: Any) {
        switch value {
        case let v as any JSONFields: v.writeJSON(to: &self)
        case let v as String: string(v)
        case let v as Bool: bytes.append(contentsOf: v ? Self.true_ : Self.false_)
        case let v as Int: integer(Int64(v))
        case let v as Int64: integer(v)
        case let v as Int32: integer(Int64(v))
        case let v as UInt64: bytes.append(contentsOf: String(v).utf8)
        case let v as UInt32: integer(Int64(v))
        case let v as Double: number(v)
        case let v as UUID: string(v.uuidString.lowercased())
        case let v as Timestamp: string(v.iso8601)
        case let v as Day: string(v.description)
        case let v as [String: Any]:
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for key in v.keys.sorted() {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                string(key)
                bytes.append(UInt8(ascii: ":"))
                self.value(v[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        case let v as [Any]:
            bytes.append(UInt8(ascii: "["))
            for (i, item) in v.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case let v as any RawRepresentable<String>: string(v.rawValue)
        case is NSNull: bytes.append(contentsOf: Self.null)
        default:
            // reflection (nil → NSNull, structs → dictionaries, enums → text): only types
            // handled above come out of it
            self.value(JSONResponse.plain(value))
        }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`, `\t`, ... or `\u00XX`.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most texts need no escape: then their bytes are copied at once.
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for b in utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hex[Int(b >> 4)])
                bytes.append(Self.hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func integer(_ v: Int64) {
        bytes.append(contentsOf: String(v).utf8)
    }

    /// A finite number (integral values without a fraction); `null` for NaN and infinities.
    mutating func number(_ v: Double) {
        guard v.isFinite else { bytes.append(contentsOf: Self.null); return }
        if v == v.rounded(), abs(v) < 9_007_199_254_740_992 { integer(Int64(v)); return }
        bytes.append(contentsOf: "\(v)".utf8)
    }

    // MARK: objects field by field (for `JSONFields`; keys in sorted order, by the caller)

    private var needsComma = false

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    private mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
    }

    /// A key only known at run time (then the value, written by any of the value methods).
    mutating func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = true
    }

    mutating func unsigned(_ v: UInt64) {
        bytes.append(contentsOf: String(v).utf8)
    }

    mutating func bool(_ v: Bool) {
        bytes.append(contentsOf: v ? Self.true_ : Self.false_)
    }

    mutating func array(strings: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in strings.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func array(unsigned: [UInt64]) {
        bytes.append(UInt8(ascii: "["))
        for (i, v) in unsigned.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            self.unsigned(v)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func field(_ name: StaticString, _ v: String?) {
        guard let v else { return }
        key(name)
        string(v)
    }

    mutating func field(_ name: StaticString, _ v: Int64) {
        key(name)
        integer(v)
    }

    mutating func field(_ name: StaticString, _ v: Bool) {
        key(name)
        bytes.append(contentsOf: v ? Self.true_ : Self.false_)
    }

    mutating func field(_ name: StaticString, strings: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, s) in strings.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func field(_ name: StaticString, objects: [some JSONFields]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, o) in objects.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            o.writeJSON(to: &self)
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    private static let true_ = Array("true".utf8)
    private static let false_ = Array("false".utf8)
    private static let null = Array("null".utf8)
    private static let hex = Array("0123456789abcdef".utf8)
}

/// A read-model row that writes its JSON object itself (the rows of the hot read routes),
/// with the same keys and values reflection would give. `fieldNames` lists every stored
/// property: `JSONWriterTests` checks it against the type's properties, so a field added to
/// the read model fails the test until it is written here too.
protocol JSONFields {
    static var fieldNames: [String] { get }
    func writeJSON(to writer: inout JSONWriter)
}

extension MemberDirectory.Listing: JSONFields {
    static let fieldNames = ["availability", "buurt", "country", "headline", "kind", "memberId", "rateBand", "skills", "status",
                             "tradeName", "verified", "wijk"]

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("availability", availability)
        w.field("buurt", buurt)
        w.field("country", country)
        w.field("headline", headline)
        w.field("kind", kind)
        w.field("memberId", memberId)
        w.field("rateBand", rateBand)
        w.field("skills", skills)
        w.field("status", status)
        w.field("tradeName", tradeName)
        w.field("verified", verified)
        w.field("wijk", wijk)
        w.endObject()
    }
}

extension TenderBoard.Listing: JSONFields {
    static let fieldNames = ["buyerKind", "buyerName", "category", "deadline", "estimatedCents", "liveBidCount", "lots", "procedure",
                             "status", "tenderId", "title"]

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("buyerKind", buyerKind)
        w.field("buyerName", buyerName)
        w.field("category", category)
        w.field("deadline", deadline)
        w.field("estimatedCents", estimatedCents)
        w.field("liveBidCount", Int64(liveBidCount))
        w.field("lots", objects: lots)
        w.field("procedure", procedure)
        w.field("status", status)
        w.field("tenderId", tenderId)
        w.field("title", title)
        w.endObject()
    }
}

extension TenderBoard.LotInfo: JSONFields {
    static let fieldNames = ["buurten", "number", "title"]

    func writeJSON(to w: inout JSONWriter) {
        w.beginObject()
        w.field("buurten", strings: buurten)
        w.field("number", Int64(number))
        w.field("title", title)
        w.endObject()
    }
}
