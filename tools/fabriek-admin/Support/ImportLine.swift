import EventLog
import Events
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

    var expected: ExpectedVersion {
        guard let version else { return .any }
        return version == 1 ? .noStream : .exact(version - 1)
    }

    static let knownKeys: Set<String> = ["stream", "type", "data", "version", "id", "metadata", "recordedAt",
                                         "schemaVersion", "payload", "commit", "position"]

    /// Parses one line. `context` gains the vault (from `vault()`) the first time a line holds
    /// plaintext personal data.
    static func parse(_ bytes: UnsafeRawBufferPointer, number: Int, context: inout JSONContext,
                      vault: () throws -> PersonalDataVault) throws -> ImportLine {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw AdminError.failure("not valid JSON")
        }
        guard let o = any as? [String: Any] else { throw AdminError.failure("a line must be a JSON object") }
        let unknown = o.keys.filter { !knownKeys.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw AdminError.failure("unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")) (a line has \(knownKeys.sorted().joined(separator: ", ")))")
        }
        guard let stream = o["stream"] as? String, !stream.isEmpty else {
            throw AdminError.failure("\"stream\" is missing or not a non-empty string")
        }
        guard let type = o["type"] as? String, !type.isEmpty else {
            throw AdminError.failure("\"type\" is missing or not a non-empty string")
        }
        let version = try integer(o["version"], "version", in: bytes, minimum: 1, rule: "a stream version, an integer >= 1")
        var id = UUID()
        let hasID = o["id"] != nil
        if let v = o["id"] {
            guard let s = v as? String, let u = UUID(uuidString: s) else { throw AdminError.failure("\"id\" must be a UUID") }
            id = u
        }
        var metadata: [String: String] = [:]
        if let v = o["metadata"] {
            guard let m = v as? [String: String] else { throw AdminError.failure("\"metadata\" must be an object of strings") }
            metadata = m
        }
        var recordedAt: Timestamp?
        if let v = o["recordedAt"] {
            guard let s = v as? String, let t = Timestamp(iso8601: s) else {
                throw AdminError.failure("\"recordedAt\" must be an ISO 8601 UTC time like 2019-01-02T08:00:00.000000Z")
            }
            recordedAt = t
        }
        let commit = try integer(o["commit"], "commit", in: bytes, minimum: 1, rule: "a position, an integer >= 1")
        let position = try integer(o["position"], "position", in: bytes, minimum: 1, rule: "a position, an integer >= 1")
        let schemaVersion = try integer(o["schemaVersion"], "schemaVersion", in: bytes, minimum: 1, rule: "an integer >= 1")
        guard let entry = EventCatalogue.entry(named: type) else {
            throw AdminError.failure("\"type\": '\(type)' is not an event type of the catalogue (see Events/CATALOGUE.md)")
        }
        var payload: [UInt8]
        var sealedOnImport = false
        let eventSchema: UInt32
        if let p = o["payload"] {
            guard let s = p as? String, let d = Data(base64Encoded: s) else { throw AdminError.failure("\"payload\" must be base64") }
            guard let sv = schemaVersion else { throw AdminError.failure("\"schemaVersion\" is required with \"payload\"") }
            guard let sv32 = UInt32(exactly: sv) else { throw AdminError.failure("\"schemaVersion\" is out of range") }
            payload = [UInt8](d)
            eventSchema = sv32
        } else {
            guard let d = o["data"], d is [String: Any] else { throw AdminError.failure("\"data\" is missing or not an object") }
            if let sv = schemaVersion, sv != UInt64(entry.schemaVersion) {
                throw AdminError.failure("\"schemaVersion\": \"data\" of \(type) must be schema version \(entry.schemaVersion), the current one, not \(sv) (give another version's bytes as \"payload\")")
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
            let verbatim = TopLevelJSON.valueRange(of: "data", in: bytes).map { range in
                range.count == canonical.count && canonical.withUnsafeBytes { c in
                    memcmp(c.baseAddress!, bytes.baseAddress! + range.lowerBound, c.count) == 0
                }
            } ?? false
            let unknown = verbatim ? [] : try Self.unknownKeys(given: d, canonical: canonical)
            if !unknown.isEmpty {
                throw AdminError.failure("\"data\" has key\(unknown.count == 1 ? "" : "s") \(type) does not know: \(unknown.joined(separator: ", ")) (remove \(unknown.count == 1 ? "it" : "them") or check the spelling; nothing is dropped silently)")
            }
            sealedOnImport = !verbatim && context.vault != nil && Self.holdsPlaintext(d, canonical: canonical)
        }
        let proposed = ProposedEvent(id: id, type: type, schemaVersion: eventSchema, metadata: metadata,
                                     payload: payload, recordedAt: recordedAt)
        let decoded: DomainEvent
        do {
            decoded = try EventCatalogue.check(proposed)
        } catch {
            throw AdminError.failure("\"\(error.field)\": \(error.rule): \(error.reason)")
        }
        return ImportLine(number: number, stream: stream, version: version, event: proposed, decoded: decoded,
                          hasID: hasID, commit: commit, position: position, sealedOnImport: sealedOnImport)
    }

    /// An integer field: its text in the line must be digits only (no fraction, exponent, sign
    /// or `true`), read from the raw bytes since `JSONSerialization` blurs 1, 1.0 and true.
    static func integer(_ value: Any?, _ key: StaticString, in bytes: UnsafeRawBufferPointer, minimum: UInt64,
                        rule: String) throws -> UInt64? {
        guard value != nil else { return nil }
        let text = TopLevelJSON.valueRange(of: key, in: bytes).map { Array(bytes[$0]) } ?? []
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
        let rendered = try JSONSerialization.jsonObject(with: Data(canonical))
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
        guard let rendered = try? JSONSerialization.jsonObject(with: Data(canonical)) else { return false }
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
