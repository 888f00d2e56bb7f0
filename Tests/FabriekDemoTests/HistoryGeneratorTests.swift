import EventLog
import Events
@testable import FabriekDemo
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

@Suite struct HistoryGeneratorTests {
    @Test func smallHistoryIsAcceptedCommandByCommand() async throws {
        let generator = HistoryGenerator(seed: 7, scale: .small)
        let harness = try ServiceHarness(logClock: generator.clock.logClock) { log, vault in
            try generator.makeService(log: log, vault: vault, reference: ServiceHarness.reference)
        }
        defer { harness.close() }
        let started = Date()
        let summary = try await generator.run(on: harness.service)
        print("history (small) in \(Date().timeIntervalSince(started)) s:\n\(summary)")
        #expect(summary.unexpectedRefusals.isEmpty)
        #expect(summary.expectedRefusals >= 0 && summary.events == Int(harness.log.head().position))
        #expect(Set(summary.membersByCountry.keys) == ["NL", "BE", "DE"])
        #expect(Set(summary.crossBorderByDirection.keys).isSuperset(of: ["NL→BE", "NL→DE"]))
        #expect(summary.tendersByProcedure.keys.contains("enkelvoudigOnderhands") && summary.tendersByProcedure.keys.contains("vrijeInkoopPrivaat"))
        #expect(harness.log.verify().isIntact)
    }
}

/// The demo scale, timed; run with FABRIEK_DEMO_TIMING=1 (about 27 s in a debug build).
@Suite struct HistoryGeneratorDemoTiming {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FABRIEK_DEMO_TIMING"] != nil))
    func demoScale() async throws {
        let generator = HistoryGenerator(seed: 2019, scale: .demo)
        let harness = try ServiceHarness(logClock: generator.clock.logClock) { log, vault in
            try generator.makeService(log: log, vault: vault, reference: ServiceHarness.reference)
        }
        defer { harness.close() }
        let started = Date()
        let summary = try await generator.run(on: harness.service)
        print("history (demo) in \(Date().timeIntervalSince(started)) s:\n\(summary)")
        #expect(summary.unexpectedRefusals.isEmpty)
    }
}
