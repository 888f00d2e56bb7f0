import EventLog
import Testing
@testable import Projections

@Suite struct UnhandledTypesTests {
    @Test func givenHandledTypesFilter_thenOtherTypesAreSkippedButTheCheckpointPassesThem() async throws {
        let store = TestStore()
        defer { store.remove() }
        let log = try store.openLog()
        let head = try await appendEvents(log, count: 300, types: ["A", "B", "C", "LongUnhandledTypeNameBeyondSmallString"])
        let runner = try ProjectionRunner(log: log, directory: store.projections,
                                          projectors: [StreamCountProjector(handledTypes: ["A"]), OnlyBProjector()],
                                          options: .init(batchSize: 50))
        runner.start()
        let s = try await snapshot(runner, atLeast: head)
        let expected = try countsInLog(log)
        #expect(s.checkpoint == head)
        #expect(s.types == ["A": expected.types["A"]!])
        #expect(s.applied == expected.types["A"]!)

        let bCount = try await runner.read("only-b", atLeast: head, timeout: projectionDeadline) { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM b_events")!
        }
        #expect(bCount == expected.types["B"]!)
        #expect(try runner.status(of: "only-b").position == head)
        await runner.stop()
        try log.close()
    }

    @Test func typeFilterMatchesExactNamesOnly() {
        let filter = TypeFilter(["A", "AB"])
        func admits(_ s: String) -> Bool { Array(s.utf8).withUnsafeBytes { filter.admits($0) } }
        #expect(admits("A"))
        #expect(admits("AB"))
        #expect(!admits("B"))
        #expect(!admits("ABC"))
        #expect(!admits(""))
        #expect(TypeFilter(nil).admits(UnsafeRawBufferPointer(start: nil, count: 0)))
    }
}
