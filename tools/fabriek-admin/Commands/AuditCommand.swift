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
            that position. One line per violation: POSITION STREAM RULE: reason. Events the \
            catalogue cannot decode are listed too (rule "payload"). Imports given \
            --accept-violations record their violations in the events' metadata; they are listed \
            here all the same. Opens the log read-only.
            """)

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let dir = dataOptions.directory
        let log = try dir.openReadOnly()
        defer { try? log.close() }
        let head = log.head()
        let auditor = InvariantAuditor(reference: try ReferenceData.load())
        var out = StandardOutput()
        var count = 0
        var progress = Progress(label: "audit", total: head.position)
        let json = output.json
        func report(_ position: UInt64, _ stream: String, _ type: String, _ rule: String, _ reason: String) {
            count += 1
            if json {
                out.line(CanonicalJSON.object(["position": .uint(position), "stream": .string(stream), "type": .string(type),
                                         "rule": .string(rule), "reason": .string(reason)]).bytes)
            } else {
                out.line("\(position) \(stream) \(rule): \(type): \(reason)")
            }
        }
        try log.forEachEvent(from: 1, through: head.position) { view in
            let event: DomainEvent
            do {
                event = try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion, payload: view.payload)
            } catch {
                report(view.position, view.stream, view.type, "payload", "cannot be decoded: \(error)")
                return
            }
            if let v = auditor.check(event, stream: view.stream, recordedAt: view.recordedAt) {
                report(view.position, view.stream, v.eventType, v.rule, v.reason)
            }
            if view.position % 4096 == 0 { progress.update(view.position) }
        }
        progress.finish()
        out.flush()
        if count > 0 {
            throw AdminError.failure("\(count) event\(count == 1 ? "" : "s") of \(head.position) break\(count == 1 ? "s" : "") a domain rule (listed above)")
        }
        if !json { printError("audit: \(head.position) events checked, no rule broken (head \(head))") }
    }
}
