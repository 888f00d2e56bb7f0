import ArgumentParser
import EventLog
import Events
import Fabriek
import FabriekDemo
import FabriekReference
import Foundation

/// `demo [--seed N]`: a deterministic Maastricht 2019–2021 history in an empty data directory.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a realistic, deterministic Maastricht 2019-2021 history into an empty data directory.",
        discussion: "About 2,500 members, 40 consortia, 400 jobs with bids and awards, YouRegion work and programme activities, issued as commands through the application service. The same seed gives the same commands, times and ids (sealed personal fields differ: fresh keys and nonces).")

    enum Scale: String, ExpressibleByArgument, CaseIterable {
        case demo, small, large
        var value: HistoryScale {
            switch self {
            case .demo: return .demo
            case .small: return .small
            // Forty times the demo: about a million events, for measuring import and export.
            case .large: return HistoryScale(members: 100_000, consortia: 1_600, tenders: 16_000, crossBorderAssignments: 4_800,
                                             activities: 7_200, membershipEnds: 4_000, erasures: 320)
            }
        }
    }

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "The random seed.") var seed: UInt64 = 2019
    @Option(help: "demo (~2,500 members), small (~300, for tests) or large (~100,000 members, ~1M events, for benchmarks).") var scale: Scale = .demo

    func run() async throws {
        let dir = dataOptions.directory
        try dir.requireEmpty(for: "demo")
        let started = Date()
        let generator = HistoryGenerator(seed: seed, scale: scale.value)
        let log = try dir.openWriter(durability: .none, clock: generator.clock.logClock)
        let summary: HistorySummary
        do {
            let service = try generator.makeService(log: log, vault: try dir.vault(log: log), reference: try ReferenceData.load())
            printError("generating the \(scale.rawValue) history (seed \(seed)) into \(dir.path)...")
            summary = try await generator.run(on: service)
        } catch {
            try? log.close()
            throw error
        }
        let head = log.head()
        // Written with Durability.none: closing makes the commits durable.
        for problem in try log.closeWithReport().problems { printError("warning: \(problem)") }
        print(summary)
        print("demo history written in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; head \(head)")
        if !summary.unexpectedRefusals.isEmpty {
            throw AdminError.failure("the generator saw unexpected refusals: \(summary.unexpectedRefusals)")
        }
    }
}
