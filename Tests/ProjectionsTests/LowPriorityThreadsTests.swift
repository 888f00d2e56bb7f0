import EventLog
import Foundation
import Synchronization
import Testing
@testable import Projections

/// Live batches run on `LowPriorityThreads`: threads at nice +10 that yield the CPU to requests
/// and appends. A build nobody follows yet runs at full priority.
@Suite struct LowPriorityThreadsTests {
    @Test("given a job, when it runs, then it runs on a thread at the pool's nice value above the caller's and its result comes back")
    func runsAtTheLowerPriority() async throws {
        let base = currentNice()
        let threads = LowPriorityThreads(nice: 7, maxThreads: 4, name: "test-low-prio")
        let (nice, name, answer) = try await threads.run { (currentNice(), currentThreadName(), 42) }
        #expect(nice == min(19, base + 7))
        #expect(name == "test-low-prio")
        #expect(answer == 42)
        #expect(currentNice() == base)
    }

    @Test("given a job that throws, then the error comes back")
    func errorsComeBack() async {
        let threads = LowPriorityThreads(nice: 10, maxThreads: 4, name: "test-low-priority")
        await #expect(throws: Boom.self) { try await threads.run { () throws -> Int in throw Boom(position: 3) } }
    }

    @Test("given four jobs that each block until all four have started, then each gets a thread of its own and all finish")
    func blockingJobsGetTheirOwnThreads() async throws {
        let threads = LowPriorityThreads(nice: 10, maxThreads: 8, name: "test-low-priority")
        let started = Counter()
        let reached = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await threads.run {
                        started.value.add(1, ordering: .relaxed)
                        return waitFor(deadline: .seconds(300)) { started.value.load(ordering: .relaxed) == 4 }
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(reached == [true, true, true, true])
        #expect(threads.threadCount == 4)
        // Idle threads are reused: a fifth job needs no new one.
        _ = try await threads.run { 0 }
        #expect(threads.threadCount == 4)
    }

    @Test("given a runner built from a log, when events are appended once it is live, then those batches run at nice +10 and the build did not")
    func liveBatchesRunAtTheLowerPriority() async throws {
        let base = currentNice()
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let built = try await appendEvents(log, count: 40)
        let recorder = NiceRecordingProjector()
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [recorder])
        runner.start()
        try await runner.waitUntil("stream-counts", reached: built, timeout: projectionDeadline)
        let head = try await appendEvents(log, count: 25)
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        let seen = recorder.nice.withLock { $0 }
        // The build ran on GRDB's writer queue (libdispatch gives its threads a nice value of
        // its own: -2 when the process may lower it), not on the low-priority threads.
        // A test process already at nice 9 or more cannot show the difference: nice values end at 19.
        if base < 9 {
            #expect((1...built).allSatisfy { seen[$0].map { $0 < min(19, base + 10) } == true })
        }
        #expect((built + 1...head).allSatisfy { seen[$0] == min(19, base + 10) })
        await runner.stop()
        try log.close()
    }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

/// The calling thread's nice value (per thread on Linux).
private func currentNice() -> Int32 {
    getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
}

/// The calling thread's name as the kernel knows it (`top -H`, `perf`).
private func currentThreadName() -> String {
    let text = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    return text.trimmingCharacters(in: .newlines)
}

/// Polls `condition` every millisecond until it holds (true) or `deadline` has passed (false).
private func waitFor(deadline: Duration, _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + deadline
    while !condition() {
        if ContinuousClock.now > end { return false }
        usleep(1000)
    }
    return true
}

/// A `StreamCountProjector` that records the nice value of the thread each event is applied on.
private final class NiceRecordingProjector: Projector, Sendable {
    let base = StreamCountProjector()
    let nice = Mutex<[UInt64: Int32]>([:])
    var name: String { base.name }
    var version: Int { base.version }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        let value = currentNice()
        let position = event.position
        nice.withLock { $0[position] = value }
        try base.apply(event, db)
    }
}
