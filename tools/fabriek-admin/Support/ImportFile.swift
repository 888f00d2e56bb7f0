import EventLog
import Events
import Foundation
import PersonalData

/// A JSON-lines file for `import`, parsed and checked before anything is written.
///
/// Each line: `{"stream", "type", "data", "version"?, "id"?, "metadata"?, "recordedAt"?,
/// "schemaVersion"?, "payload"?, "commit"?}`. Lines with the same `commit` (as `export` writes)
/// form one commit; other lines are committed in groups of `bulkSize`.
struct ImportFile {
    struct Line {
        var number: Int
        var stream: String
        var expected: ExpectedVersion
        var event: ProposedEvent
        var commit: UInt64?
    }

    /// Lines of one commit.
    struct Batch {
        var lines: [Line]
        var firstLine: Int { lines.first?.number ?? 0 }
        var lastLine: Int { lines.last?.number ?? 0 }
    }

    static let bulkSize = 1000

    var batches: [Batch] = []
    var events = 0

    /// Parses every line. `vault` is asked for only when a line holds plaintext personal data.
    /// - Throws: `AdminError` naming the first bad line and why.
    init(path: String, vault: () throws -> PersonalDataVault) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AdminError.failure("cannot read \(path); check the path")
        }
        var context = JSONContext.sealed
        var number = 0
        var current: [Line] = []
        var start = data.startIndex
        func close() {
            if !current.isEmpty { batches.append(Batch(lines: current)); current = [] }
        }
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            number += 1
            let bytes = data[start..<end]
            start = end < data.endIndex ? end + 1 : end
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let line: Line
            do {
                line = try Self.parse(bytes, number: number, context: &context, vault: vault)
            } catch let e as AdminError {
                throw AdminError(e.code, "\(path):\(number): \(e.message); nothing was imported (fix the line and run the import again)")
            } catch {
                throw AdminError.failure("\(path):\(number): \(error); nothing was imported (fix the line and run the import again)")
            }
            if let last = current.last {
                let sameCommit = line.commit != nil && line.commit == last.commit
                let bothBulk = line.commit == nil && last.commit == nil && current.count < Self.bulkSize
                if !sameCommit && !bothBulk { close() }
            }
            current.append(line)
            events += 1
        }
        close()
    }

    private static func parse(_ bytes: Data, number: Int, context: inout JSONContext,
                              vault: () throws -> PersonalDataVault) throws -> Line {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: bytes)
        } catch {
            throw AdminError.failure("not valid JSON")
        }
        guard let o = any as? [String: Any] else { throw AdminError.failure("a line must be a JSON object") }
        guard let stream = o["stream"] as? String, !stream.isEmpty else {
            throw AdminError.failure("\"stream\" is missing or not a non-empty string")
        }
        guard let type = o["type"] as? String, !type.isEmpty else {
            throw AdminError.failure("\"type\" is missing or not a non-empty string")
        }
        var expected = ExpectedVersion.any
        if let v = o["version"] {
            guard let n = (v as? NSNumber)?.int64Value, n >= 1 else {
                throw AdminError.failure("\"version\" must be a stream version >= 1")
            }
            expected = n == 1 ? .noStream : .exact(UInt64(n - 1))
        }
        var id = UUID()
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
            guard let s = v as? String, let t = ISO8601Time.parse(s) else {
                throw AdminError.failure("\"recordedAt\" must be an ISO 8601 UTC time like 2019-01-02T08:00:00.000000Z")
            }
            recordedAt = t
        }
        var commit: UInt64?
        if let v = o["commit"] {
            guard let n = (v as? NSNumber)?.int64Value, n >= 1 else { throw AdminError.failure("\"commit\" must be a position >= 1") }
            commit = UInt64(n)
        }
        let payload: [UInt8]
        let schemaVersion: UInt32
        if let p = o["payload"] {
            guard let s = p as? String, let d = Data(base64Encoded: s) else { throw AdminError.failure("\"payload\" must be base64") }
            payload = [UInt8](d)
            guard let sv = (o["schemaVersion"] as? NSNumber)?.uint32Value, sv >= 1 else {
                throw AdminError.failure("\"schemaVersion\" is required with \"payload\"")
            }
            schemaVersion = sv
        } else {
            guard let d = o["data"], d is [String: Any] else { throw AdminError.failure("\"data\" is missing or not an object") }
            guard EventCatalogue.entry(named: type) != nil else {
                throw AdminError.failure("unknown event type '\(type)' (see Events/CATALOGUE.md)")
            }
            if let sv = o["schemaVersion"] as? NSNumber, sv.uint32Value != EventCatalogue.entry(named: type)!.schemaVersion {
                throw AdminError.failure("\"data\" of \(type) must be schema version \(EventCatalogue.entry(named: type)!.schemaVersion), the current one (give the old version's bytes as \"payload\")")
            }
            let entry = EventCatalogue.entry(named: type)!
            let event: DomainEvent
            do {
                event = try entry.fromJSON(d, context)
            } catch JSONImportError.vaultRequired where context.vault == nil {
                context = JSONContext(vault: try vault())
                event = try entry.fromJSON(d, context)
            }
            payload = event.encodePayload()
            schemaVersion = event.schemaVersion
        }
        let event = ProposedEvent(id: id, type: type, schemaVersion: schemaVersion, metadata: metadata,
                                  payload: payload, recordedAt: recordedAt)
        return Line(number: number, stream: stream, expected: expected, event: event, commit: commit)
    }
}
