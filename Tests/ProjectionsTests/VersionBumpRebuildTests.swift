import EventLog
import Foundation
import Synchronization
import Testing
@testable import Projections

@Suite struct VersionBumpRebuildTests {
    @Test func givenNewVersion_thenRebuildsSideBySide_answersFromTheOldFile_andSwaps() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)

        try await buildStreamCountsV1(log, in: store, reaching: head)

        let gate = Gate()
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [GatedProjector(version: 2, gate: gate, at: 550)],
                                          options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        var status = try runner.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.version == 2)
        #expect(status.servedVersion == 1)
        #expect(status.position == head)
        #expect(status.rebuild?.position == 0)
        #expect(store.exists("stream-counts.rebuild.sqlite"))

        runner.start()
        await gate.waitUntilReached()
        // Mid-rebuild: the old file answers, the side file holds whole batches only.
        status = try runner.status(of: "stream-counts")
        #expect(status.state == .rebuilding)
        #expect(status.rebuild?.position == 500)
        let old = try await snapshot(runner)
        #expect(old.version == 1)
        #expect(old.checkpoint == head)

        // Queries keep answering throughout the swap.
        let stop = Atomic<Bool>(false)
        let reader = Task {
            var reads = 0, versions = Set<Int>()
            while !stop.load(ordering: .relaxed) {
                let s = try await snapshot(runner)
                #expect(UInt64(s.applied) == s.checkpoint)
                versions.insert(s.version)
                reads += 1
                await Task.yield()
            }
            return (reads, versions)
        }
        let newHead = try await appendEvents(log, count: 1)
        gate.open()
        let swapped = try await snapshot(runner, atLeast: newHead)
        stop.store(true, ordering: .relaxed)
        let (reads, _) = try await reader.value

        #expect(reads > 0)
        #expect(swapped.version == 2)
        #expect(swapped.checkpoint == newHead)
        #expect(swapped.applied == Int(newHead))
        #expect(swapped.streams == (try countsInLog(log)).streams)
        #expect(!store.exists("stream-counts.rebuild.sqlite"))
        status = try runner.status(of: "stream-counts")
        #expect(status.rebuild == nil)
        #expect(status.state == .live)
        #expect(status.servedVersion == 2)
        await runner.stop()

        // The swapped file is the projection now: reopening with version 2 does not rebuild.
        let reopened = try ProjectionRunner(log: log, directory: store.projections,
                                            projectors: [StreamCountProjector(version: 2)])
        #expect(try reopened.status(of: "stream-counts").state == .catchingUp)
        #expect(try reopened.status(of: "stream-counts").position == newHead)
        await reopened.stop()
        try log.close()
    }

    @Test func givenRebuildRequest_thenANewFileReplacesTheLiveOne() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 400)
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector()], options: .init(batchSize: 50))
        runner.start()
        try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        let before = try inode(store.path("stream-counts.sqlite"))

        try runner.rebuild("stream-counts")
        let newHead = try await appendEvents(log, count: 10)
        let s = try await snapshot(runner, atLeast: newHead)
        #expect(s.applied == Int(newHead))
        #expect(s.streams == (try countsInLog(log)).streams)
        #expect(try inode(store.path("stream-counts.sqlite")) != before)
        #expect(!store.exists("stream-counts.rebuild.sqlite"))
        #expect(throws: ProjectionError.unknownProjection("x")) { try runner.rebuild("x") }
        await runner.stop()
        try log.close()
    }

    @Test func givenAReadInFlightOnTheOldFile_thenTheSwapWaitsForIt_andTheReadFinishesOnTheOldFile() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 600)
        try await buildStreamCountsV1(log, in: store, reaching: head)

        let rebuildGate = Gate()
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [GatedProjector(version: 2, gate: rebuildGate, at: 300)],
                                          options: .init(batchSize: 100))
        runner.start()
        await rebuildGate.waitUntilReached()

        let readGate = Gate()
        let longRead = Task {
            try await runner.read("stream-counts", timeout: projectionDeadline) { db in
                readGate.arrive()
                return try Int.fetchOne(db, sql: "SELECT version FROM projection_meta")!
            }
        }
        await readGate.waitUntilReached()
        let newHead = try await appendEvents(log, count: 1)
        rebuildGate.open()
        try await eventually { try runner.status(of: "stream-counts").rebuild?.position == newHead }
        // The rebuild is done, but the swap cannot close the old file under the read.
        #expect(store.exists("stream-counts.rebuild.sqlite"))
        readGate.open()
        #expect(try await longRead.value == 1)
        let s = try await snapshot(runner, atLeast: newHead)
        #expect(s.version == 2)
        #expect(!store.exists("stream-counts.rebuild.sqlite"))
        await runner.stop()
        try log.close()
    }

    /// Regression (issue 13.6): `projections rebuild` took "live, no side file, a new inode" for
    /// the end of the rebuild it asked for. A side file left by an interrupted run is resumed and
    /// swapped in first; a request made after that swap then begins a new side file, which the
    /// command's stop left behind. The request's own swap is what answers it.
    @Test("given a side file left by an interrupted rebuild, resumed and swapped in, when a rebuild is requested after that swap, then only the request's own file answers it, and stopping then leaves no side file")
    func givenAResumedRebuildSwappedIn_whenARebuildIsRequested_thenOnlyItsOwnSwapAnswersIt() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 1000)
        try await buildStreamCountsV1(log, in: store, reaching: head)
        // Given a rebuild to version 2 interrupted at 500 (its side file is left to resume)
        let failing = try ProjectionRunner(log: log, directory: store.projections,
                                           projectors: [FailingProjector(version: 2, failAt: 550)],
                                           options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        failing.start()
        try await eventually { try failing.status(of: "stream-counts").state == .failed }
        await failing.stop()
        #expect(store.exists("stream-counts.rebuild.sqlite"))

        // and a runner that resumes it from 500 and swaps it in (the gate at 300 holds only a
        // rebuild from the first event)
        let gate = Gate()
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [GatedProjector(version: 2, gate: gate, at: 300)],
                                          options: .init(batchSize: 100, maxBatchDuration: .seconds(3600)))
        let openedFile = try inode(store.path("stream-counts.sqlite"))
        runner.start()
        try await eventually {
            let s = try runner.status(of: "stream-counts")
            return s.state == .live && s.rebuild == nil && s.servedVersion == 2 && s.position == head
        }
        // (what the command took for the end of its rebuild: live, no side file, a new file)
        let resumedFile = try inode(store.path("stream-counts.sqlite"))
        #expect(resumedFile != openedFile)

        // When a rebuild is requested after that swap
        let request = try runner.rebuild("stream-counts")
        await gate.waitUntilReached()

        // Then the earlier swap does not answer it: its own side file is being built
        #expect(try !runner.isSwappedIn(request))
        #expect(try runner.status(of: "stream-counts").state == .rebuilding)
        #expect(store.exists("stream-counts.rebuild.sqlite"))
        gate.open()
        try await eventually { try runner.isSwappedIn(request) }
        #expect(try inode(store.path("stream-counts.sqlite")) != resumedFile)
        let s = try await snapshot(runner, atLeast: head)
        #expect(s.version == 2)
        #expect(s.applied == Int(head))
        await runner.stop()
        #expect(!store.exists("stream-counts.rebuild.sqlite"))
        #expect(!store.exists("stream-counts.rebuild.unsynced"))
        try log.close()
    }

    /// Polls `condition` until it holds or `projectionDeadline` has passed (then the expectation fails).
    private func eventually(_ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + projectionDeadline
        while try !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try condition())
    }

    private func inode(_ path: String) throws -> UInt64 {
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        return (attrs[.systemFileNumber] as! NSNumber).uint64Value
    }
}
