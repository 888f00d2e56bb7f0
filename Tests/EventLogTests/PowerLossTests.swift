import EventLog
import FaultInjection
import Foundation
import Testing

/// Power loss, simulated: the fault shim records every write, sync, truncation and change of
/// names an append workload makes on the log's directory (and the acknowledgements it prints),
/// and `PowerLossStates` constructs from that trace the disk states a power cut could leave at
/// each point (unsynced writes dropped, reordered, or torn at 512-byte sectors; names changed
/// since the last directory sync kept as a prefix). Each state must open (a writable open; a
/// torn tail is cut to a quarantine file as designed), hold every event acknowledged before the
/// cut at its position, verify, and take an append.
///
/// The CI run checks a spread of the states (`FABRIEK_POWER_LOSS=all` checks every one:
/// tools/fault-injection/power-loss.sh).
@Suite("Power loss, simulated")
struct PowerLossTests {
    static let appends = 12

    /// Every state when `FABRIEK_POWER_LOSS=all`, else at most this many per cut.
    static var statesPerCut: Int { ProcessInfo.processInfo.environment["FABRIEK_POWER_LOSS"] == "all" ? Int.max : 3 }

    /// `faults`: one append after another, each synced before the next. `bulk`: commits handed
    /// to the writer six at a time through `appendCommits`, the path of `fabriek-admin import`
    /// (each commit its own batch, queued together; the engine syncs each before acknowledging).
    @Test("given the traced writes and syncs of an append or bulk-import workload, when the disk is left as a power cut at any point could leave it, then the log opens with every acknowledged event, verifies and takes appends",
          arguments: ["faults", "bulk"])
    func everyStateAPowerCutCouldLeave(workload: String) async throws {
        let executable = try #require(ChildProcess.executable(), "eventlog-crash-child not found next to the test bundle; build with `swift build --build-tests`")
        let shim = try #require(FaultShim.path, "\(FaultShim.missing)")
        let tmp = TemporaryDirectory("power-loss")
        defer { tmp.remove() }
        let base = tmp.sub("base")
        var seeded: [UInt64: UUID] = [:]
        do {
            let log = try EventLog.open(directory: base, options: Fixture.options(segmentSize: 4096))
            let result = try await log.append(stream: "seed", expectedVersion: .noStream, events: Fixture.events(3))
            for (position, event) in zip(result.positions, try Fixture.allEvents(log)) { seeded[position] = event.id }
            try log.close()
        }
        let traced = tmp.sub("traced")
        try Files.copyDirectory(base, to: traced)
        let traceFile = tmp.sub("trace.bin")
        let run = try await ChildProcess.run(executable: executable, arguments: [traced, workload, "\(workload == "bulk" ? 2 * Self.appends : Self.appends)"],
                                             stderrPath: tmp.sub("stderr.txt"),
                                             environment: FaultShim.environment(shim: shim, directory: traced, at: 0, traceFile: traceFile))
        #expect(run.exitStatus == 0 && run.lines.last == "DONE", "\(run.standardError.suffix(500)) \(run.lines.suffix(3))")
        #expect(run.acknowledgements.count >= Self.appends, "\(run.lines)")
        let trace = try PowerLossTrace(file: traceFile)
        let syncs = trace.operations.filter { if case .sync = $0 { return true } else { return false } }.count
        try #require(syncs >= Self.appends, "the trace holds only \(syncs) syncs: is LD_PRELOAD in effect?")

        var states = try PowerLossStates(root: traced, base: base, trace: trace)
        states.statesPerCut = Self.statesPerCut
        var checked = 0, cuts = Set<Int>(), quarantined = 0
        try await states.forEachState { state in
            let dir = tmp.sub("state-\(checked)")
            try PowerLossStates.materialize(state, at: dir)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            checked += 1
            cuts.insert(state.cut)
            let context = "cut after operation \(state.cut) of \(trace.operations.count) (\(state.label))"
            let log: EventLog
            do {
                log = try EventLog.open(directory: dir, options: Fixture.options(segmentSize: 4096))
            } catch {
                Issue.record("\(context): the log refused to open: \(error)")
                return
            }
            if !log.recovery.tail.isEmpty { quarantined += 1 }
            let acknowledged = state.acknowledged.merging(seeded) { a, _ in a }
            try LogChecks.check(log, acknowledged: acknowledged, context: context)
            let head = log.head()
            let more = try await log.append(stream: "after-power-loss", expectedVersion: .any, events: [Fixture.event("after")])
            #expect(more.positions == [head.position + 1], "\(context)")
            try log.close()
        }
        print("power loss (\(workload)): \(checked) states checked over \(cuts.count) cuts of \(trace.operations.count) traced operations (\(quarantined) with a torn tail cut to quarantine)")
        #expect(cuts.count > 2 * Self.appends && checked >= cuts.count)
    }
}
