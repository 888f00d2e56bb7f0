import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

@Suite struct HistoryGeneratorTests {
    @Test func smallHistoryIsAcceptedCommandByCommand() async throws {
        let generator = HistoryGenerator(seed: 7, scale: .small)
        let harness = try ServiceHarness(logClock: generator.clock.logClock) { log, vault in
            try generator.makeService(log: log, vault: vault, reference: Fixture.reference)
        }
        defer { harness.close() }
        let started = Date()
        let summary = try await generator.run(on: harness.service)
        print("history (small) in \(Date().timeIntervalSince(started)) s:\n\(summary)")
        #expect(summary.unexpectedRefusals.isEmpty)
    }
}

@Suite struct HistoryGeneratorDemoTiming {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FABRIEK_DEMO_TIMING"] != nil))
    func demoScale() async throws {
        let generator = HistoryGenerator(seed: 2019, scale: .demo)
        let harness = try ServiceHarness(logClock: generator.clock.logClock) { log, vault in
            try generator.makeService(log: log, vault: vault, reference: Fixture.reference)
        }
        defer { harness.close() }
        let started = Date()
        let summary = try await generator.run(on: harness.service)
        print("history (demo) in \(Date().timeIntervalSince(started)) s:\n\(summary)")
        #expect(summary.unexpectedRefusals.isEmpty)
    }
}
