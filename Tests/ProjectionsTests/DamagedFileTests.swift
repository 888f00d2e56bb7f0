import EventLog
import Foundation
import Testing
@testable import Projections

/// The runner (the admin CLI's and the server's live one) never trusts a projection file that
/// cannot be used: it moves it aside, names it, and rebuilds that projection; the others serve.
@Suite struct DamagedFileTests {
    @Test(arguments: ["garbage", "truncated", "foreign-application-id"])
    func givenADamagedFile_whenTheRunnerOpens_thenItIsMovedAsideAndRebuiltWhileTheOthersServe(damage: String) async throws {
        // Given two projections built to the head,
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        defer { try? log.close() }
        let head = try await appendEvents(log, count: 300)
        let first = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector(), OnlyBProjector()])
        first.start()
        try await first.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
        try await first.waitUntil("only-b", reached: head, timeout: projectionDeadline)
        await first.stop()

        // when one file is damaged,
        let file = store.path("stream-counts.sqlite")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        switch damage {
        case "garbage": try Data(repeating: 0xA5, count: bytes.count).write(to: URL(fileURLWithPath: file))
        case "truncated": try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: file))
        default:
            var other = bytes
            other[68] = 0x12  // the application id in the database header
            try other.write(to: URL(fileURLWithPath: file))
        }
        try? FileManager.default.removeItem(atPath: file + "-wal")
        try? FileManager.default.removeItem(atPath: file + "-shm")

        // then the next runner moves it aside (named), rebuilds it, and serves the other as it was.
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector(), OnlyBProjector()])
        let damaged = try #require(runner.damagedFiles.first)
        #expect(runner.damagedFiles.count == 1)
        #expect(damaged.projection == "stream-counts" && damaged.path == file)
        #expect(damaged.movedTo.hasPrefix(store.path("stream-counts.damaged-")), "\(damaged.movedTo)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: damaged.movedTo)).count == (damage == "truncated" ? bytes.count / 2 : bytes.count),
                "the damaged bytes are kept")
        #expect(String(describing: damaged).contains(file) && String(describing: damaged).contains(damaged.movedTo))
        #expect(try runner.status(of: "only-b").position == head, "the other projection keeps its checkpoint")
        runner.start()
        let s = try await snapshot(runner, atLeast: head)
        #expect(s.checkpoint == head)
        #expect(s.streams == (try countsInLog(log)).streams)
        await runner.stop()
        #expect(!store.exists("stream-counts.rebuild.sqlite"))
    }

    @Test func givenHealthyFiles_thenNothingIsMovedAside() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        defer { try? log.close() }
        let head = try await appendEvents(log, count: 50)
        for _ in 0..<2 {
            let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
            #expect(runner.damagedFiles.isEmpty)
            runner.start()
            try await runner.waitUntil("stream-counts", reached: head, timeout: projectionDeadline)
            await runner.stop()
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: store.projections)
        #expect(!names.contains { $0.contains("damaged") }, "\(names)")
    }

    @Test func givenAProjectionsPathThatIsAFile_thenTheRunnerRefusesWithENOTDIR() throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        defer { try? log.close() }
        try? FileManager.default.removeItem(atPath: store.projections)
        try FileManager.default.createDirectory(atPath: (store.projections as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: store.projections))
        #expect(throws: ProjectionError.io(operation: "use as the projections directory", path: store.projections, errno: ENOTDIR)) {
            _ = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
        }
    }
}
