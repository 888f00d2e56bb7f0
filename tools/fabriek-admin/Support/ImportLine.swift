import EventLog
import Events
import Fabriek
import Foundation
import PersonalData

/// One line of an import file, parsed and checked: shape, every field's type, the payload
/// decoded with the event catalogue (raw base64 `payload` included), no unknown keys.
///
/// A line: `{"stream", "type", "data" | "payload", "version"?, "id"?, "metadata"?, "recordedAt"?,
/// "schemaVersion"?, "commit"?, "position"?}`. `parse` throws `AdminError` with a message that
/// names the field and the rule (the caller prefixes `FILE:LINE:`).
struct ImportLine {
    var number: Int
    var stream: String
    /// The 1-based stream version the line claims (`version`), nil when it claims none.
    var version: UInt64?
    var event: ProposedEvent
    /// The event as the catalogue decodes it.
    var decoded: DomainEvent
    /// True when the line carried an `id` (else the event got a fresh one).
    var hasID: Bool
    var commit: UInt64?
    /// The position the line had in the log it was exported from.
    var position: UInt64?
    /// True when `data` held plaintext personal fields (sealed now, with a fresh nonce).
    var sealedOnImport: Bool
    /// The line's spool entry after its line number (`ImportSpool.body`), encoded by
    /// `parseBatch` on the parsing threads; empty when not encoded yet.
    var spoolBody: [UInt8] = []
    /// The stream's key in the auditor's tables and in the stream-version table, found while
    /// parsing (on the parsing threads), not by the checks.
    var auditKey: AuditStreamKey
    var versionKey: StreamVersionTable.Key

    var expected: ExpectedVersion {
        guard let version else { return .any }
        return version == 1 ? .noStream : .exact(version - 1)
    }

    static let knownKeys: Set<String> = ["stream", "type", "data", "version", "id", "metadata", "recordedAt",
                                         "schemaVersion", "payload", "commit", "position"]

    /// The byte ranges of a line's top-level values, by key (parsed only as far as needed).
    private struct Fields {
        var stream: Range<Int>?, type: Range<Int>?, data: Range<Int>?, version: Range<Int>?, id: Range<Int>?
        var metadata: Range<Int>?, recordedAt: Range<Int>?, schemaVersion: Range<Int>?, payload: Range<Int>?
        var commit: Range<Int>?, position: Range<Int>?
        var unknown: [String] = []
        /// `data` read in place by the scanner of the type guessed before (`typeGuess`), and
        /// that type's name: taken only when `type` turns out to be that type.
        var scanned: DomainEvent?
        var scannedAs: String?
    }

    /// The catalogue entry of the type an exported line names: export writes `type` as the
    /// last key but `version`, after `data`, so it is looked for backwards from the line's end
    /// (`,"type":"NAME"`). Only a guess, to read `data` in place while the line's keys are
    /// read (`fields`); nil when there is none.
    static func typeGuess(_ bytes: UnsafeRawBufferPointer) -> EventCatalogue.Entry? {
        let pattern: StaticString = ",\"type\":\""
        let n = pattern.utf8CodeUnitCount
        var k = bytes.count - n
        let stop = max(0, bytes.count - 160)
        while k >= stop {
            if bytes[k] == UInt8(ascii: ","), memcmp(bytes.baseAddress! + k, pattern.utf8Start, n) == 0 {
                let start = k + n
                guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                return EventCatalogue.entry(typeBytes: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
            k -= 1
        }
        return nil
    }

    @inline(__always)
    private static func equals(_ key: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount && memcmp(key.baseAddress!, name.utf8Start, key.count) == 0
    }

    /// Reads the top-level object: each known key's value range (`data` parsed too), unknown
    /// keys, a key given twice refused.
    private static func fields(_ bytes: UnsafeRawBufferPointer, guess: EventCatalogue.Entry? = nil,
                               context: JSONContext = .sealed) throws -> Fields {
        var f = Fields()
        var p = JSONParser(bytes)
        do {
            guard p.peek() == 0x7B else {
                _ = try p.skipValue()
                try p.end()
                throw AdminError.failure("a line must be a JSON object")
            }
            try p.forEachMember { (p: inout JSONParser, key: UnsafeRawBufferPointer) throws(JSONParser.Failure) in
                // A known key's value is read afterwards by its own reader (`string`, `uuid`,
                // `integer`, `stringObject`), which checks its strings: here only its end is found.
                func take(_ slot: inout Range<Int>?) throws(JSONParser.Failure) {
                    guard slot == nil else { throw p.keyGivenTwice(key) }
                    slot = try p.skipValue(checkingStrings: false)
                }
                guard key.count > 0 else { f.unknown.append(""); _ = try p.skipValue(); return }
                switch key[0] {
                case UInt8(ascii: "s") where equals(key, "stream"): try take(&f.stream)
                case UInt8(ascii: "s") where equals(key, "schemaVersion"): try take(&f.schemaVersion)
                case UInt8(ascii: "t") where equals(key, "type"): try take(&f.type)
                case UInt8(ascii: "d") where equals(key, "data"):
                    guard f.data == nil else { throw p.keyGivenTwice(key) }
                    // The canonical form of the guessed type is read in place (the scanner takes
                    // only a whole canonical object); anything else is skipped here and read
                    // below, its strings checked then.
                    if let guess, p.peek() == 0x7B,
                       let read = guess.scanJSONPrefix(UnsafeRawBufferPointer(rebasing: bytes[p.i...]), context) {
                        f.data = p.i..<(p.i + read.length)
                        p.i += read.length
                        f.scanned = read.event
                        f.scannedAs = guess.typeName
                    } else {
                        f.data = try p.skipValue(checkingStrings: false)
                    }
                case UInt8(ascii: "v") where equals(key, "version"): try take(&f.version)
                case UInt8(ascii: "i") where equals(key, "id"): try take(&f.id)
                case UInt8(ascii: "m") where equals(key, "metadata"): try take(&f.metadata)
                case UInt8(ascii: "r") where equals(key, "recordedAt"): try take(&f.recordedAt)
                case UInt8(ascii: "p") where equals(key, "payload"): try take(&f.payload)
                case UInt8(ascii: "p") where equals(key, "position"): try take(&f.position)
                case UInt8(ascii: "c") where equals(key, "commit"): try take(&f.commit)
                default:
                    let name = try p.decodeKey(key)
                    guard !f.unknown.contains(name) else { throw p.keyGivenTwice(key) }
                    f.unknown.append(name)
                    _ = try p.skipValue()
                }
            }
            try p.end()
        } catch let e as JSONParser.Failure {
            throw invalidJSON(e, in: bytes)
        }
        return f
    }

    /// A line that is not JSON: the column and what was expected there (the caller prefixes
    /// `FILE:LINE:`).
    static func invalidJSON(_ e: JSONParser.Failure, in line: UnsafeRawBufferPointer) -> AdminError {
        AdminError.failure("not valid JSON at column \(e.location(in: line).column): \(e.reason(in: line, end: "the line"))")
    }

    /// A string value at `range` of `bytes`, nil when the value there is not a string.
    private static func string(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes[range.lowerBound] == 0x22 else { return nil }
        var p = JSONParser(UnsafeRawBufferPointer(rebasing: bytes[range]))
        return try? p.string()
    }

    /// A fresh random (version 4) id for a line without `id`, from the system's random source
    /// (`getrandom`; Foundation's `UUID()` opens /dev/urandom each time).
    static func randomID() -> UUID {
        var g = SystemRandomNumberGenerator()
        var words = (g.next() as UInt64, g.next() as UInt64)
        return withUnsafeMutableBytes(of: &words) { b in
            b[6] = b[6] & 0x0F | 0x40
            b[8] = b[8] & 0x3F | 0x80
            return UUID(uuid: b.load(as: uuid_t.self))
        }
    }

    /// A UUID string value at `range` (parsed from its bytes when it has no escapes), nil when
    /// the value there is not a UUID string.
    static func uuid(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> UUID? {
        guard range.count >= 2, bytes[range.lowerBound] == 0x22 else { return nil }
        let text = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        if let u = UUID(utf8: text) { return u }
        guard memchr(text.baseAddress!, 0x5C, text.count) != nil, let s = string(range, in: bytes) else { return nil }
        return UUID(text: s)
    }

    /// An object of string values at `range`, nil when the value there is not one.
    static func stringObject(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) -> [String: String]? {
        guard bytes[range.lowerBound] == 0x7B else { return nil }
        var p = JSONParser(UnsafeRawBufferPointer(rebasing: bytes[range]))
        var out = [String: String](minimumCapacity: 4)  // export writes two keys: no growing
        do {
            try p.forEachMember { (p: inout JSONParser, key: UnsafeRawBufferPointer) throws(JSONParser.Failure) in
                let k = try p.decodeKey(key)
                guard p.peek() == 0x22 else { throw p.fail("expected a string") }
                guard out.updateValue(try p.string(), forKey: k) == nil else { throw p.keyGivenTwice(key) }
            }
            try p.end()
        } catch {
            return nil
        }
        return out
    }

    /// Parses one line. `context` gains the vault (from `vault()`) the first time a line holds
    /// plaintext personal data.
    static func parse(_ bytes: UnsafeRawBufferPointer, number: Int, context: inout JSONContext,
                      vault: () throws -> PersonalDataVault) throws -> ImportLine {
        var scratch = Scratch()
        return try parse(bytes, number: number, context: &context, vault: vault, scratch: &scratch)
    }

    /// What a thread parsing many lines reuses from one line to the next: the last metadata
    /// object (export writes the same on most lines: the same dictionary, not a new one a
    /// line) and the buffer the canonical rendering is compared in (debug builds).
    struct Scratch {
        private var metadataBytes: [UInt8] = []
        private var metadataValue: [String: String] = [:]
        private var writer = JSONWriter(capacity: 4096)

        /// The dictionary of the last metadata remembered, when `raw` is the same bytes.
        func metadata(_ raw: UnsafeRawBufferPointer) -> [String: String]? {
            guard !metadataBytes.isEmpty, raw.count == metadataBytes.count else { return nil }
            return metadataBytes.withUnsafeBytes { memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0 } ? metadataValue : nil
        }

        mutating func remember(metadata: [String: String], _ raw: UnsafeRawBufferPointer) {
            metadataBytes = Array(raw)
            metadataValue = metadata
        }

        /// True when `event`'s canonical rendering is exactly `bytes`.
        mutating func rendersTo(_ event: DomainEvent, _ bytes: UnsafeRawBufferPointer) -> Bool {
            writer.removeAll()
            guard (try? event.writeJSON(to: &writer, context: .sealed)) != nil, writer.bytes.count == bytes.count else { return false }
            return writer.bytes.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) } == 0
        }
    }

    /// Parses one line, reusing `scratch` (a thread's own) from the line before.
    static func parse(_ bytes: UnsafeRawBufferPointer, number: Int, context: inout JSONContext,
                      vault: () throws -> PersonalDataVault, scratch: inout Scratch) throws -> ImportLine {
        let f = try fields(bytes, guess: typeGuess(bytes), context: context)
        if !f.unknown.isEmpty {
            let unknown = f.unknown.sorted()
            throw AdminError.failure("unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) (a line has \(knownKeys.sorted().joined(separator: ", ")))")
        }
        guard let r = f.stream, let stream = string(r, in: bytes), !stream.isEmpty else {
            throw AdminError.failure("\"stream\" is missing or not a non-empty string")
        }
        // The type is looked up by its bytes (the catalogue's own name, no String made); one
        // with an escape is decoded first.
        guard let r = f.type else { throw AdminError.failure("\"type\" is missing or not a non-empty string") }
        let typeEntry: EventCatalogue.Entry?
        let type: String
        if r.count > 2, bytes[r.lowerBound] == 0x22,
           let e = EventCatalogue.entry(typeBytes: UnsafeRawBufferPointer(rebasing: bytes[(r.lowerBound + 1)..<(r.upperBound - 1)])) {
            typeEntry = e
            type = e.typeName
        } else {
            guard let t = string(r, in: bytes), !t.isEmpty else {
                throw AdminError.failure("\"type\" is missing or not a non-empty string")
            }
            type = t
            typeEntry = EventCatalogue.entry(named: t)
        }
        let version = try integer(f.version, "version", in: bytes, minimum: 1, rule: "a stream version, an integer >= 1")
        let id: UUID
        let hasID = f.id != nil
        if let r = f.id {
            guard let u = uuid(r, in: bytes) else { throw AdminError.failure("\"id\" must be a UUID") }
            id = u
        } else {
            id = randomID()
        }
        var metadata: [String: String] = [:]
        if let r = f.metadata {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[r])
            if let m = scratch.metadata(raw) {
                metadata = m
            } else {
                guard let m = stringObject(r, in: bytes) else {
                    throw AdminError.failure("\"metadata\" must be an object of strings")
                }
                scratch.remember(metadata: m, raw)
                metadata = m
            }
        }
        var recordedAt: Timestamp?
        if let r = f.recordedAt {
            // Export's form (six fraction digits) is read from its bytes, no String made.
            if r.count == 29, bytes[r.lowerBound] == 0x22,
               let t = JSONScanner.instant(UnsafeRawBufferPointer(rebasing: bytes[(r.lowerBound + 1)..<(r.upperBound - 1)])) {
                recordedAt = t
            } else {
                guard let s = string(r, in: bytes), let t = Timestamp(iso8601: s) else {
                    throw AdminError.failure("\"recordedAt\" must be an ISO 8601 UTC time like 2019-01-02T08:00:00.000000Z")
                }
                recordedAt = t
            }
        }
        let commit = try integer(f.commit, "commit", in: bytes, minimum: 1, rule: "a position, an integer >= 1")
        let position = try integer(f.position, "position", in: bytes, minimum: 1, rule: "a position, an integer >= 1")
        let schemaVersion = try integer(f.schemaVersion, "schemaVersion", in: bytes, minimum: 1, rule: "an integer >= 1")
        guard let entry = typeEntry else {
            throw AdminError.failure("\"type\": '\(type)' is not an event type of the catalogue (see Events/CATALOGUE.md)")
        }
        var payload: [UInt8]
        var sealedOnImport = false
        let eventSchema: UInt32
        if let r = f.payload {
            guard let s = string(r, in: bytes), let d = Data(base64Encoded: s) else { throw AdminError.failure("\"payload\" must be base64") }
            guard let sv = schemaVersion else { throw AdminError.failure("\"schemaVersion\" is required with \"payload\"") }
            guard let sv32 = UInt32(exactly: sv) else { throw AdminError.failure("\"schemaVersion\" is out of range") }
            payload = [UInt8](d)
            eventSchema = sv32
        } else {
            guard let dataRange = f.data, bytes[dataRange.lowerBound] == 0x7B else {
                throw AdminError.failure("\"data\" is missing or not an object")
            }
            if let sv = schemaVersion, sv != UInt64(entry.schemaVersion) {
                throw AdminError.failure("\"schemaVersion\": \"data\" of \(type) must be schema version \(entry.schemaVersion), the current one, not \(sv) (give another version's bytes as \"payload\")")
            }
            // The canonical form (what export writes) is read straight into the event: the
            // scanner takes nothing but the event's exact canonical rendering (`JSONScanner`;
            // debug builds render it again to compare). Anything else is parsed into JSON values
            // first (`fromJSON`), which names what is wrong.
            let inPlace = f.scannedAs == entry.typeName ? f.scanned : nil
            if let scanned = inPlace ?? entry.scanJSON(UnsafeRawBufferPointer(rebasing: bytes[dataRange]), context) {
                assert(scratch.rendersTo(scanned, UnsafeRawBufferPointer(rebasing: bytes[dataRange])),
                       "the scanner took a form that is not the canonical rendering")
                return try checked(number: number, stream: stream, version: version, id: id, hasID: hasID, type: type,
                                   schemaVersion: scanned.schemaVersion, metadata: metadata, payload: scanned.encodePayload(),
                                   recordedAt: recordedAt, commit: commit, position: position, sealedOnImport: false,
                                   encodedFrom: scanned)
            }
            let d: Any
            do {
                var p = JSONParser(bytes)
                p.i = dataRange.lowerBound
                p.depth = 1  // inside the line's object
                d = try p.value()
            } catch {
                throw invalidJSON(error, in: bytes)
            }
            let event: DomainEvent
            do {
                do {
                    event = try entry.fromJSON(d, context)
                } catch JSONImportError.vaultRequired where context.vault == nil {
                    context = JSONContext(vault: try vault())
                    event = try entry.fromJSON(d, context)
                }
            } catch let e as JSONImportError {
                throw AdminError.failure("\"data\": \(e)")
            }
            payload = event.encodePayload()
            eventSchema = event.schemaVersion
            let canonical = try event.canonicalJSON(context: .sealed)
            // An exported line's data is the canonical rendering itself: nothing unknown.
            let verbatim = dataRange.count == canonical.count && canonical.withUnsafeBytes { c in
                memcmp(c.baseAddress!, bytes.baseAddress! + dataRange.lowerBound, c.count) == 0
            }
            let unknown = verbatim ? [] : try Self.unknownKeys(given: d, canonical: canonical)
            if !unknown.isEmpty {
                throw AdminError.failure("\"data\" has key\(unknown.count == 1 ? "" : "s") \(type) does not know: \(unknown.joined(separator: ", ")) (remove \(unknown.count == 1 ? "it" : "them") or check the spelling; nothing is dropped silently)")
            }
            sealedOnImport = !verbatim && context.vault != nil && Self.holdsPlaintext(d, canonical: canonical)
        }
        return try checked(number: number, stream: stream, version: version, id: id, hasID: hasID, type: type,
                           schemaVersion: eventSchema, metadata: metadata, payload: payload, recordedAt: recordedAt,
                           commit: commit, position: position, sealedOnImport: sealedOnImport)
    }

    /// The line, once its payload decodes with the catalogue (`EventCatalogue.check`). With
    /// `encodedFrom`, the event the payload was just encoded from (the canonical `data` read
    /// straight into its event), the payload is not decoded again (`check(_:encodedFrom:)`).
    private static func checked(number: Int, stream: String, version: UInt64?, id: UUID, hasID: Bool, type: String,
                                schemaVersion: UInt32, metadata: [String: String], payload: [UInt8], recordedAt: Timestamp?,
                                commit: UInt64?, position: UInt64?, sealedOnImport: Bool,
                                encodedFrom event: DomainEvent? = nil) throws -> ImportLine {
        let proposed = ProposedEvent(id: id, type: type, schemaVersion: schemaVersion, metadata: metadata,
                                     payload: payload, recordedAt: recordedAt)
        let decoded: DomainEvent
        do {
            if let event {
                decoded = try EventCatalogue.check(proposed, encodedFrom: event)
            } else {
                decoded = try EventCatalogue.check(proposed)
            }
        } catch {
            throw AdminError.failure("\"\(error.field)\": \(error.rule): \(error.reason)")
        }
        return ImportLine(number: number, stream: stream, version: version, event: proposed, decoded: decoded,
                          hasID: hasID, commit: commit, position: position, sealedOnImport: sealedOnImport,
                          auditKey: AuditStreamKey(stream), versionKey: StreamVersionTable.key(stream))
    }

    /// An integer field: its text in the line must be digits only (no fraction, exponent, sign,
    /// string or `true`).
    static func integer(_ range: Range<Int>?, _ key: StaticString, in bytes: UnsafeRawBufferPointer, minimum: UInt64,
                        rule: String) throws -> UInt64? {
        guard let range else { return nil }
        let text = UnsafeRawBufferPointer(rebasing: bytes[range])
        var n: UInt64 = 0
        var ok = !text.isEmpty && !(text.count > 1 && text[0] == UInt8(ascii: "0"))
        for b in text where ok {
            guard (0x30...0x39).contains(b) else { ok = false; break }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - 0x30))
            if o1 || o2 { ok = false }
            n = a
        }
        guard ok, n >= minimum else {
            throw AdminError.failure("\"\(key)\" must be \(rule), not \(String(decoding: text, as: UTF8.self))")
        }
        return n
    }

    /// Key paths of `given` (non-null values) that the canonical rendering of the parsed event
    /// does not have: fields the event type does not know. Sealed fields are not descended
    /// into (their plaintext form differs from their sealed form).
    static func unknownKeys(given: Any, canonical: [UInt8]) throws -> [String] {
        let rendered = try canonical.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Any in try JSONParser.parse(raw) }
        var out: [String] = []
        collect(given, rendered, path: "", into: &out)
        return out
    }

    private static func collect(_ given: Any, _ rendered: Any, path: String, into out: inout [String]) {
        if let g = given as? [String: Any], let r = rendered as? [String: Any] {
            if r.count == 1, r["sealed"] != nil, g["sealed"] == nil { return }
            for key in g.keys.sorted() where !(g[key] is NSNull) {
                let p = path.isEmpty ? key : "\(path).\(key)"
                guard let rv = r[key] else { out.append(p); continue }
                collect(g[key]!, rv, path: p, into: &out)
            }
        } else if let g = given as? [Any], let r = rendered as? [Any], g.count == r.count {
            for (i, (gv, rv)) in zip(g, r).enumerated() { collect(gv, rv, path: "\(path)[\(i)]", into: &out) }
        }
    }

    /// True when `given` differs from the sealed rendering where a sealed field sits.
    private static func holdsPlaintext(_ given: Any, canonical: [UInt8]) -> Bool {
        let parsed: Any? = try? canonical.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Any in try JSONParser.parse(raw) }
        guard let rendered = parsed else { return false }
        func walk(_ g: Any, _ r: Any) -> Bool {
            if let g = g as? [String: Any], let r = r as? [String: Any] {
                if r.count == 1, r["sealed"] != nil { return g["sealed"] == nil }
                return g.contains { k, v in r[k].map { walk(v, $0) } ?? false }
            }
            if let g = g as? [Any], let r = r as? [Any] { return zip(g, r).contains { walk($0, $1) } }
            return false
        }
        return walk(given, rendered)
    }
}
