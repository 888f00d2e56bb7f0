import ArgumentParser
import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData

/// `audit`: replays the log and lists every event that breaks a rule of DOMAIN.md.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List every event of the log that breaks a domain invariant (DOMAIN.md 1-11); exit 1 if any.",
        discussion: """
            Replays the log in order and checks each event as the write side would have decided \
            it: the aggregate's decider decides the command that causes the event, on the state \
            folded so far, at the event's recorded time, with the cross-aggregate directory as of \
            that position. One line per violation: POSITION STREAM RULE: TYPE: reason. Events \
            the catalogue cannot decode are listed too (rule "payload"). A violation an import \
            accepted (--accept-violations; an ImportViolationsAccepted in the same commit) is \
            listed all the same, ending "; accepted by import ID (FILE) at position P". Issued \
            reports are checked against the log's chain hash at their as-of position. Opens the \
            log read-only.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let head = log.head()
        let auditor = InvariantAuditor(reference: try ReferenceData.load())
        auditor.chainHead = { log.head(at: $0) }
        var out = StandardOutput()
        var progress = Progress(label: "audit", total: head.position)
        let json = output.json
        // Violations are printed at the end: the record of an import that accepted one follows
        // it in the same commit. Memory grows with the violations only.
        var found: [(position: UInt64, eventId: UUID, stream: String, type: String, rule: String, reason: String)] = []
        try log.forEachEvent(from: 1, through: head.position) { view in
            let event: DomainEvent
            do {
                event = try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion, payload: view.payload)
            } catch {
                found.append((view.position, view.id, view.stream, view.type, "payload", "cannot be decoded: \(error)"))
                return
            }
            if let v = auditor.check(event, stream: view.stream, recordedAt: view.recordedAt, position: view.position) {
                found.append((view.position, view.id, view.stream, v.eventType, v.rule, v.reason))
            }
            if view.position % 4096 == 0 { progress.update(view.position) }
        }
        progress.finish()
        var accepted = 0
        for f in found {
            let acceptance = auditor.acceptances[f.eventId]
            if acceptance != nil { accepted += 1 }
            if json {
                var fields: [String: CanonicalJSON] = ["position": .uint(f.position), "stream": .string(f.stream), "type": .string(f.type),
                                                       "rule": .string(f.rule), "reason": .string(f.reason)]
                if let a = acceptance {
                    var by: [String: CanonicalJSON] = ["import": .string(a.importId.uuidString.lowercased()), "file": .string(a.file),
                                                       "stream": .string(a.stream)]
                    if let p = a.position { by["position"] = .uint(p) }
                    fields["acceptedBy"] = .object(by)
                }
                out.line(CanonicalJSON.object(fields).bytes)
            } else {
                var line = "\(f.position) \(f.stream) \(f.rule): \(f.type): \(f.reason)"
                if let a = acceptance {
                    line += "; accepted by import \(a.importId.uuidString.lowercased()) (\(a.file))"
                    if let p = a.position { line += " at position \(p)" }
                }
                out.line(line)
            }
        }
        out.flush()
        let count = found.count
        if count > 0 {
            let acceptedNote = accepted > 0 ? "; \(accepted) of them accepted by an import" : ""
            throw AdminError.failure("\(count) event\(count == 1 ? "" : "s") of \(head.position) break\(count == 1 ? "s" : "") a domain rule (listed above\(acceptedNote))")
        }
        if !json { printError("audit: \(head.position) events checked, no rule broken (head \(head))") }
    }
}
