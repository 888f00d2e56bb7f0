import EventLog
import Foundation
import GRDB
import Testing
@testable import Projections

/// Every read model runs the projector conformance suite and serves queries through the runner.
@Suite struct ReadModelConformanceTests {
    static let projectors: [any Projector] = [
        MemberDirectoryProjector(geography: T.geography, vault: nil), TenderBoardProjector(), ConsortiaProjector(),
        YouRegionProjector(), ProgrammeKPIProjector(geography: T.geography, vault: nil),
    ]

    @Test func readModelsRebuildToIdenticalTables() async throws {
        // Given the fixed history, when each read model is built twice in small batches
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        for projector in Self.projectors {
            let report = try await ProjectionConformance.rebuildTwice(projector, log: log, batchSize: 7)
            // Then both builds hold the same rows.
            #expect(report.differences.isEmpty, "\(projector.name): \(report.differences)")
            #expect(report.position == log.head().position)
        }
    }

    @Test func runnerServesTheReadModelsWithReadYourWrites() async throws {
        // Given the runner over the fixed history
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let runner = try ProjectionRunner(log: log, directory: store.projections, projectors: Self.projectors)
        runner.start()
        let head = log.head().position
        // When queries ask to see at least the head
        let total = try await runner.read("member-directory", atLeast: head, timeout: projectionDeadline) { try MemberDirectory.search($0, .init()).total }
        let kpis = try await runner.read("programme-kpis", atLeast: head, timeout: projectionDeadline) { try ProgrammeKPIs.cells($0) }
        let fold = try InMemoryFold.run(ProgrammeKPIProjector(geography: T.geography, vault: nil), log: log)
        // Then they answer from the live files, equal to an in-memory fold of the same log.
        #expect(total == 6)
        #expect(kpis == (try fold.now { try ProgrammeKPIs.cells($0) }))
        await runner.stop()
    }
}
