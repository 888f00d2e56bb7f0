import EventLog
import Foundation
import Testing

/// Given a child process whose file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) is slightly above
/// the log's size, when it appends until an append throws, then the error is LogError.diskFull,
/// and once the limit is lifted the same process can append again ("free space and retry");
/// after reopening without the limit, every acknowledged event is there, verify() is intact
/// and appends work again. Three rounds on one log with different amounts of room.
@Suite("Disk full")
struct DiskFullTests {
    @Test("given a file-size limit, when appending until it is hit, then diskFull, nothing acknowledged is lost, and the reopened log takes appends")
    func appendUntilFull() async throws {
        let executable = try #require(ChildProcess.executable(), "eventlog-crash-child not found next to the test bundle; build with `swift build --build-tests`")
        let tmp = TemporaryDirectory("diskfull")
        defer { tmp.remove() }
        let directory = tmp.sub("log")
        do {
            let log = try EventLog.open(directory: directory)
            _ = try await log.append(stream: "seed", expectedVersion: .noStream, events: Fixture.events(30))
            try log.close()
        }
        var acknowledged: [UInt64: UUID] = [:]

        for (round, slack) in [3_000, 20_000, 65_000].enumerated() {
            let run = try await ChildProcess.run(executable: executable, arguments: [directory, "diskfull", "\(slack)"],
                                                 stderrPath: tmp.sub("stderr-\(round).txt"))
            let context = "round \(round) (room \(slack) bytes)"
            #expect(!run.stoppedEarly && !run.killedBySignal && run.exitStatus == 0,
                    "\(context): the child did not finish normally (status \(run.exitStatus)); stderr: \(run.standardError); last lines: \(run.lines.suffix(3))")
            #expect(run.lines.last == "DONE", "\(context)")
            let errors = run.lines.filter { $0.hasPrefix("ERR ") }
            #expect(errors.count == 2, "\(context): each appending task ends with an error: \(errors)")
            #expect(errors.contains { $0.hasPrefix("ERR diskFull") && $0.contains("disk full") },
                    "\(context): no append failed with LogError.diskFull: \(errors)")
            for error in errors where !error.hasPrefix("ERR diskFull") {
                // The other task may be refused because the writer stopped after the failure.
                #expect(error.contains("writer"), "\(context): unexpected error \(error)")
            }
            #expect(run.lines.contains("RETRY ok"),
                    "\(context): after the limit was lifted, appending in the same process failed: \(run.lines.filter { $0.hasPrefix("RETRY") })")
            for line in run.lines where line.hasPrefix("BAD") { Issue.record("\(context): \(line)") }
            for ack in run.acknowledgements {
                #expect(acknowledged[ack.position] == nil, "\(context): position \(ack.position) acknowledged twice")
                acknowledged[ack.position] = ack.id
            }

            // Reopen without the limit.
            let log = try EventLog.open(directory: directory)
            try LogChecks.check(log, acknowledged: acknowledged, context: context)
            #expect(log.head().position >= acknowledged.keys.max() ?? 0)
            let head = log.head()
            let more = try await log.append(stream: "after-full-\(round)", expectedVersion: .noStream, events: Fixture.events(3))
            #expect(more.positions == Array(head.position + 1...head.position + 3))
            #expect(log.verify().isIntact)
            try log.close()
        }
    }
}
