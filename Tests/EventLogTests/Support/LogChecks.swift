import EventLog
import Foundation
import Testing

/// Checks shared by the tests that let a process die or fail mid-append and then look at what
/// the log kept.
enum LogChecks {
    /// All event ids of the log in position order (index 0 is position 1).
    static func ids(of log: EventLog) throws -> [UUID] {
        var ids: [UUID] = []
        try log.forEachEvent(from: 1) { ids.append($0.id) }
        return ids
    }

    /// Checks that each append the child started (`SEND` line) is in the log whole, at
    /// consecutive positions, or not at all: a crash never leaves part of a commit.
    /// Returns false when an issue was recorded.
    @discardableResult
    static func checkAtomicity(_ log: EventLog, sent: [[UUID]], context: String) throws -> Bool {
        var positions: [UUID: UInt64] = [:]
        try log.forEachEvent(from: 1) { positions[$0.id] = $0.position }
        var ok = true
        for ids in sent {
            let found = ids.compactMap { positions[$0] }.sorted()
            if found.isEmpty { continue }
            if found.count != ids.count || found.last! - found.first! != UInt64(found.count - 1) {
                Issue.record("\(context): one append's \(ids.count) events are stored partly or apart, at \(found)")
                ok = false
            }
        }
        return ok
    }

    /// Checks a reopened log against every acknowledgement so far: verify() finds the chain
    /// intact and the stream index matching (a crash may leave a torn tail, which a read-only
    /// open reports and a writable one cuts to a quarantine file: both are allowed here, as long
    /// as every finding holds bytes), every acknowledged event at its position, no event id
    /// twice. Returns false when an issue was recorded.
    @discardableResult
    static func check(_ log: EventLog, acknowledged: [UInt64: UUID], context: String) throws -> Bool {
        var ok = true
        let report = log.verify()
        if report.failure != nil || report.indexProblem != nil || report.tail.contains(where: { $0.wasCut }) {
            Issue.record("\(context): \(report)"); ok = false
        }
        for path in report.quarantined where (try? Files.size(path)) == 0 {
            Issue.record("\(context): empty quarantine file \(path)"); ok = false
        }
        let ids = try Self.ids(of: log)
        if UInt64(ids.count) != log.head().position {
            Issue.record("\(context): \(ids.count) events read, head \(log.head().position)"); ok = false
        }
        var seen: [UUID: Int] = [:]
        var twice: [String] = []
        for (i, id) in ids.enumerated() {
            if let first = seen[id] { twice.append("\(id) at \(first + 1) and \(i + 1)") } else { seen[id] = i }
        }
        if !twice.isEmpty {
            Issue.record("\(context): \(twice.count) event ids stored twice, e.g. \(twice.prefix(3).joined(separator: "; "))"); ok = false
        }
        var missing: [String] = []
        for (position, id) in acknowledged.sorted(by: { $0.key < $1.key }) where position > UInt64(ids.count) || ids[Int(position) - 1] != id {
            missing.append("\(id) at \(position)")
        }
        if !missing.isEmpty {
            Issue.record("\(context): \(missing.count) of \(acknowledged.count) acknowledged events lost or moved, e.g. \(missing.prefix(3).joined(separator: "; "))")
            ok = false
        }
        return ok
    }
}
