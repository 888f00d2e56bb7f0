import EventLog
import FaultInjection
import Foundation
import Testing

/// Fault injection at the system-call level: an `LD_PRELOAD` shim (Tests/FaultInjection,
/// compiled here with the C compiler) makes the Nth `write`, `pwrite`, `fdatasync`, `fsync`,
/// `ftruncate` or `rename` on the log's files fail (EIO or ENOSPC), or cuts a write short. For
/// every N over all such calls of an append workload (12 appends over 4 KiB segments, so that
/// segments roll, and a close that saves the stream index), the child either acknowledges each
/// append or reports an error, and the reopened log holds exactly the acknowledged events (none
/// that was refused), verifies, and takes appends again. After a failed `fdatasync` the writer
/// acknowledges nothing more: it does not retry the sync and carry on as if durable.
@Suite("System-call faults")
struct SystemCallFaultTests {
    static let appends = 12

    struct Outcome {
        var acknowledged: [UInt64: UUID] = [:]
        var lines: [String] = []
    }

    static func runChild(_ executable: URL, directory: String, scratch: String, environment: [String: String]) async throws -> Outcome {
        let run = try await ChildProcess.run(executable: executable, arguments: [directory, "faults", "\(appends)"],
                                             stderrPath: scratch + "/stderr.txt", environment: environment)
        var outcome = Outcome(lines: run.lines)
        for ack in run.acknowledgements { outcome.acknowledged[ack.position] = ack.id }
        #expect(!run.killedBySignal && run.exitStatus == 0 && run.lines.last == "DONE",
                "\(environment): the child did not finish (status \(run.exitStatus)): \(run.standardError.suffix(800)) \(run.lines.suffix(3))")
        return outcome
    }

    @Test("given the Nth file-system call of an append workload failing, for every N, then each append is acknowledged or refused, and the reopened log holds exactly the acknowledged events, verifies and takes appends")
    func everyCallOfAnAppendWorkload() async throws {
        let executable = try #require(ChildProcess.executable(), "eventlog-crash-child not found next to the test bundle; build with `swift build --build-tests`")
        let shim = try #require(FaultShim.path, "\(FaultShim.missing)")
        let tmp = TemporaryDirectory("syscall-faults")
        defer { tmp.remove() }
        // A base log with a few events and a saved stream index.
        let base = tmp.sub("base")
        do {
            let log = try EventLog.open(directory: base)
            _ = try await log.append(stream: "seed", expectedVersion: .noStream, events: Fixture.events(3))
            try log.close()
        }
        let seeded = try { () throws -> Set<UUID> in
            let log = try EventLog.open(directory: base, options: Fixture.options(readOnly: true))
            defer { try? log.close() }
            return Set(try Fixture.allEvents(log).map(\.id))
        }()

        // Count the calls of a run without faults.
        let counting = tmp.sub("count")
        try Files.copyDirectory(base, to: counting)
        let countFile = tmp.sub("count.txt")
        let clean = try await Self.runChild(executable, directory: counting, scratch: tmp.path,
                                            environment: FaultShim.environment(shim: shim, directory: counting, at: 0, countFile: countFile))
        #expect(clean.acknowledged.count >= Self.appends, "\(clean.lines)")
        let calls = try #require(FaultShim.count(in: countFile))
        try #require(calls >= 2 * Self.appends, "the shim counted only \(calls) calls: is LD_PRELOAD in effect?")

        var runs = 0, refusals = 0, stoppedWriters = 0
        for short in [false, true] {
            for n in 1...calls {
                let dir = tmp.sub("run-\(short ? "short" : "fail")-\(n)")
                try Files.copyDirectory(base, to: dir)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let environment = FaultShim.environment(shim: shim, directory: dir, at: n, errno: n % 2 == 0 ? "ENOSPC" : "EIO",
                                                        short: short)
                let context = "call \(n) of \(calls) \(short ? "cut short" : "failing with \(environment["FAULT_ERRNO"]!)")"
                let outcome = try await Self.runChild(executable, directory: dir, scratch: tmp.path, environment: environment)
                runs += 1
                let errors = outcome.lines.filter { $0.hasPrefix("ERR ") || $0.hasPrefix("OPEN failed") || $0.hasPrefix("CLOSE failed") }
                if !errors.isEmpty { refusals += 1 }
                // After a failed fdatasync of a commit nothing more is acknowledged. (A failed sync
                // of a new segment's header only fails that commit: the file is removed.)
                if let failedSync = outcome.lines.firstIndex(where: { $0.hasPrefix("ERR") && $0.contains("writer stopped") }) {
                    stoppedWriters += 1
                    #expect(!outcome.lines[failedSync...].contains { $0.hasPrefix("ACK ") },
                            "\(context): appends were acknowledged after a failed fdatasync: \(outcome.lines)")
                }

                // Reopened without faults: exactly the acknowledged events, intact, appendable.
                let log = try EventLog.open(directory: dir)
                try LogChecks.check(log, acknowledged: outcome.acknowledged, context: context)
                let stored = Set(try Fixture.allEvents(log).map(\.id)).subtracting(seeded)
                let acknowledged = Set(outcome.acknowledged.values)
                #expect(stored == acknowledged, "\(context): \(stored.subtracting(acknowledged).count) events stored without acknowledgement, \(acknowledged.subtracting(stored).count) acknowledged but missing; \(errors)")
                let head = log.head()
                let more = try await log.append(stream: "after-fault", expectedVersion: .any, events: [Fixture.event("after")])
                #expect(more.positions == [head.position + 1], "\(context)")
                try log.close()
            }
        }
        #expect(refusals > 0 && runs == 2 * calls, "runs \(runs), with an error \(refusals)")
        #expect(stoppedWriters > 0, "no run failed the fdatasync of a commit")
    }
}
