import EventLog
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Given a child process appending with durability .fsync from several tasks and printing an ACK
/// line for each event once its append returned, when the child is killed with SIGKILL at a
/// random moment, then the log opens, verifies intact, and holds every acknowledged event exactly
/// once at its acknowledged position (and no event id twice), and every append it started is
/// stored whole or not at all. Repeated for 32 rounds on one
/// growing log, alternating tiny and larger segments, so kills also land during segment rolls
/// and right after recoveries.
@Suite("Crash safety")
struct CrashSafetyTests {
    /// All event ids of the log in position order (index 0 is position 1).
    static func ids(of log: EventLog) throws -> [UUID] {
        var ids: [UUID] = []
        try log.forEachEvent(from: 1) { ids.append($0.id) }
        return ids
    }

    /// Checks that each append the child started (`SEND` line) is in the log whole, at
    /// consecutive positions, or not at all: a crash never leaves part of a commit.
    static func checkAtomicity(_ log: EventLog, sent: [[UUID]], context: String) throws {
        var positions: [UUID: UInt64] = [:]
        try log.forEachEvent(from: 1) { positions[$0.id] = $0.position }
        for ids in sent {
            let found = ids.compactMap { positions[$0] }.sorted()
            if found.isEmpty { continue }
            #expect(found.count == ids.count, "\(context): only \(found.count) of the \(ids.count) events of one append are stored")
            #expect(found.last! - found.first! == UInt64(found.count - 1), "\(context): one append's events are not consecutive: \(found)")
        }
    }

    /// Checks a reopened log against every acknowledgement so far.
    static func check(_ log: EventLog, acknowledged: [UInt64: UUID], context: String) throws {
        let report = log.verify()
        #expect(report.isIntact, "\(context): \(report)")
        let ids = try ids(of: log)
        #expect(UInt64(ids.count) == log.head().position, "\(context)")
        #expect(Set(ids).count == ids.count, "\(context): an event id is stored twice")
        var missing = 0
        for (position, id) in acknowledged where position > UInt64(ids.count) || ids[Int(position) - 1] != id {
            missing += 1
            if missing <= 5 { Issue.record("\(context): acknowledged event \(id) is not at position \(position)") }
        }
        #expect(missing == 0, "\(context): \(missing) of \(acknowledged.count) acknowledged events lost or moved")
    }

    @Test("given a child appending with fsync, when killed with SIGKILL at random moments (32 rounds), then nothing acknowledged is lost")
    func killedMidAppend() async throws {
        let executable = try #require(ChildProcess.executable(), "eventlog-crash-child not found next to the test bundle; build with `swift build --build-tests`")
        let tmp = TemporaryDirectory("crash")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        var acknowledged: [UInt64: UUID] = [:]
        var random = SystemRandomNumberGenerator()

        for round in 0..<32 {
            let target = Int.random(in: 1...150, using: &random)
            // Alternate tiny segments (a roll at nearly every commit, so kills land in rolls too)
            // and larger ones (many commits per segment).
            let segmentSize = round % 2 == 0 ? 16 << 10 : 1 << 20
            let run = try await ChildProcess.run(executable: executable, arguments: [directory, "append", "\(segmentSize)"],
                                                 stderrPath: tmp.sub("stderr-\(round).txt"), killAfterAcks: target,
                                                 delayMicroseconds: UInt32.random(in: 0...4_000, using: &random))
            let context = "round \(round) (kill after \(target) acks)"
            guard !run.stoppedEarly else {
                Issue.record("\(context): the child stopped early after \(run.acknowledgements.count) acks; stderr: \(run.standardError)")
                return
            }
            #expect(run.killedBySignal, "\(context): the child exited on its own; stderr: \(run.standardError)")
            for line in run.lines where line.hasPrefix("BAD") { Issue.record("\(context): child reported \(line)") }
            let sent = run.lines.filter { $0.hasPrefix("SEND ") }.map { $0.split(separator: " ").dropFirst().compactMap { UUID(uuidString: String($0)) } }
            for ack in run.acknowledgements {
                if let earlier = acknowledged[ack.position], earlier != ack.id {
                    Issue.record("\(context): position \(ack.position) acknowledged for \(earlier) and again for \(ack.id)")
                }
                acknowledged[ack.position] = ack.id
            }

            // Read-only first (it must tolerate a torn tail without cutting it), then every other
            // round a writable open that recovers the tail before the child goes on.
            let readOnly = try EventLog.open(directory: directory, options: Fixture.options(readOnly: true))
            try Self.check(readOnly, acknowledged: acknowledged, context: "\(context) read-only")
            try Self.checkAtomicity(readOnly, sent: sent, context: "\(context) read-only")
            try readOnly.close()
            if round % 2 == 1 {
                let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 16384))
                try Self.check(log, acknowledged: acknowledged, context: "\(context) writable")
                try log.close()
            }
        }
        #expect(acknowledged.count >= 32)

        // Finally the log still takes appends, right after what survived.
        let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 16384))
        defer { try? log.close() }
        try Self.check(log, acknowledged: acknowledged, context: "final")
        let head = log.head()
        #expect(head.position >= acknowledged.keys.max() ?? 0)
        let result = try await log.append(stream: "after-crashes", expectedVersion: .any, events: [Fixture.event("last")])
        #expect(result.positions == [head.position + 1])
        #expect(log.verify().isIntact)
    }
}
