import EventLog
import Testing
@testable import Projections

@Suite struct LockFileTests {
    @Test func givenOwnedProjection_whenASecondRunnerOpensIt_thenItIsRefusedUntilTheFirstStops() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        try await appendEvents(log, count: 10)

        let first = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        #expect(throws: ProjectionError.locked(projection: "stream-counts", lockFile: store.path("stream-counts.lock"))) {
            _ = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        }
        // A runner that fails on its second projection keeps none of its locks.
        #expect(throws: ProjectionError.self) {
            _ = try ProjectionRunner(log: log, directory: store.projections,
                                     projectors: [OnlyBProjector(), StreamCountProjector()])
        }
        let other = try ProjectionRunner(log: log, directory: store.projections, projectors: [OnlyBProjector()])
        await other.stop()

        await first.stop()
        let second = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        second.start()
        try await second.waitUntil("stream-counts", reached: 10, timeout: projectionDeadline)
        await second.stop()
        try log.close()
    }

    @Test func lockErrorSaysWhatToDo() {
        let e = ProjectionError.locked(projection: "p", lockFile: "/d/p.lock")
        #expect(e.description.contains("stop that runner"))
    }
}
