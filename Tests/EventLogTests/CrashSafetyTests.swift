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
            var ok = true
            for line in run.lines where line.hasPrefix("BAD") { Issue.record("\(context): child reported \(line)"); ok = false }
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
            ok = try LogChecks.check(readOnly, acknowledged: acknowledged, context: "\(context) read-only") && ok
            ok = try LogChecks.checkAtomicity(readOnly, sent: sent, context: "\(context) read-only") && ok
            try readOnly.close()
            if round % 2 == 1 {
                let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 16384))
                ok = try LogChecks.check(log, acknowledged: acknowledged, context: "\(context) writable") && ok
                try log.close()
            }
            // Later rounds on a damaged log would only repeat the finding.
            if !ok { return }
        }
        #expect(acknowledged.count >= 32)

        // Finally the log still takes appends, right after what survived.
        let log = try EventLog.open(directory: directory, options: Fixture.options(segmentSize: 16384))
        defer { try? log.close() }
        try LogChecks.check(log, acknowledged: acknowledged, context: "final")
        let head = log.head()
        #expect(head.position >= acknowledged.keys.max() ?? 0)
        let result = try await log.append(stream: "after-crashes", expectedVersion: .any, events: [Fixture.event("last")])
        #expect(result.positions == [head.position + 1])
        let report = log.verify()
        #expect(report.failure == nil && report.tail.isEmpty && report.indexProblem == nil, "\(report)")
    }
}
