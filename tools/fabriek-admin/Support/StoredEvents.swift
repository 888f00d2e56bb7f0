import EventLog
import Events
import Foundation
import PersonalData

/// Tells, for an import line with an `id`, whether the log already holds it: the same id with
/// the same content is stored (the line is skipped), the same id with other content is a
/// conflict. A line exported with its `position` is compared with the event at that position,
/// read forward a page at a time (a stored prefix costs one sequential read); other ids are
/// looked up in an `IDCandidateIndex` of the log's ids (~2 bytes of memory per stored event,
/// the rest spilled beside the spool), built on first need by one scan of the ids.
final class StoredEvents {
    enum Match {
        case new
        case stored(position: UInt64)
        case conflict(position: UInt64, difference: String)
        /// An earlier line of the same file gives the id with other content.
        case conflictInFile(line: Int, difference: String)
    }

    /// Metadata the import itself adds (see `ImportCommand`); not part of a line's content.
    static let importKeys: Set<String> = [ImportCommand.acceptedViolationKey]

    let log: EventLog
    let head: UInt64
    let context: () -> JSONContext
    private var page: [RecordedEvent] = []
    private var pageStart: UInt64 = 0
    private var ids: IDCandidateIndex?
    private let directory: String

    init(log: EventLog, directory: String, context: @escaping () -> JSONContext) {
        self.log = log
        self.directory = directory
        self.head = log.head().position
        self.context = context
    }

    func match(_ line: ImportLine) throws -> Match {
        guard line.hasID, head > 0 else { return .new }
        if let p = line.position, p <= head {
            let stored = try event(at: p)
            if stored.id == line.event.id { return compare(line, stored) }
        }
        guard let stored = try storedEvent(withID: line.event.id) else { return .new }
        return compare(line, stored)
    }

    private func compare(_ line: ImportLine, _ stored: RecordedEvent) -> Match {
        func conflict(_ what: String) -> Match { .conflict(position: stored.position, difference: what) }
        if stored.stream != line.stream { return conflict("stream '\(stored.stream)', not '\(line.stream)'") }
        if stored.type != line.event.type { return conflict("type \(stored.type), not \(line.event.type)") }
        if let v = line.version, v != stored.streamVersion { return conflict("stream version \(stored.streamVersion), not \(v)") }
        if let t = line.event.recordedAt, t != stored.recordedAt { return conflict("recordedAt \(stored.recordedAt), not \(t)") }
        if stored.metadata.filter({ !Self.importKeys.contains($0.key) }) != line.event.metadata {
            return conflict("other metadata")
        }
        if stored.schemaVersion != line.event.schemaVersion || stored.payload != line.event.payload {
            // Plaintext personal data is sealed again with a fresh nonce: compare it opened.
            if line.sealedOnImport, stored.schemaVersion == line.event.schemaVersion,
               let a = try? EventCatalogue.decode(stored).canonicalJSON(context: context()),
               let b = try? line.decoded.canonicalJSON(context: context()), a == b {
                return .stored(position: stored.position)
            }
            return conflict("other data")
        }
        return .stored(position: stored.position)
    }

    private func event(at p: UInt64) throws -> RecordedEvent {
        if p < pageStart || p >= pageStart + UInt64(page.count) {
            page = try log.read(from: p, maxCount: 4096)
            pageStart = p
        }
        return page[Int(p - pageStart)]
    }

    /// The stored event with `id`, nil when the log holds none.
    private func storedEvent(withID id: UUID) throws -> RecordedEvent? {
        if ids == nil {
            let index = IDCandidateIndex(expected: Int(head), directory: directory, name: "stored")
            try log.forEachEvent(from: 1, through: head) { try index.insert($0.id, value: $0.position) }
            ids = index
        }
        for p in try ids!.candidates(of: id) {
            let stored = try log.event(at: p)
            if stored.id == id { return stored }
        }
        return nil
    }
}
