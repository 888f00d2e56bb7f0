import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData
import Projections

/// Rebuilds every Fabriek read model (member directory, tender board, consortia and bids,
/// YouRegion register, programme KPIs) over a log of domain events through one
/// `ProjectionRunner` (batches of 1,000), from creating the files until each projection has
/// reached the head or failed. A projection that fails is reported, not hidden.
enum DomainRebuild {
    struct Outcome: Sendable {
        var events: Int
        /// From creating the files until the last projection finished (reached the head or failed).
        var seconds: Double
        /// Per projection: seconds until it finished, and its failure if it failed.
        var projections: [(name: String, seconds: Double, failure: String?)]
    }

    /// The projectors of `Projections/ReadModels`; the KPI projector opens sealed target groups
    /// with a vault in `scratch` under a fixed master key.
    static func projectors(scratch: String) throws -> [any Projector] {
        let geography = try ReferenceData.load().maastricht
        let vault = try PersonalDataVault.open(directory: scratch + "/vault",
                                               environment: [MasterKey.environmentVariable: String(repeating: "5a", count: 32)])
        return ReadModels.all(geography: geography, vault: vault)
    }

    /// Runs the rebuild over `log` into `scratch/projections` (scratch must be empty).
    static func run(log: EventLog, scratch: String) async throws -> Outcome {
        let projectors = try projectors(scratch: scratch)
        let head = log.head().position
        let start = monotonicNanoseconds()
        let runner = try ProjectionRunner(log: log, directory: scratch + "/projections", projectors: projectors,
                                          options: .init(batchSize: 1_000))
        runner.start()
        let finished = await withTaskGroup(of: (String, Double, String?).self) { group in
            for name in runner.names {
                group.addTask {
                    do {
                        try await runner.waitUntil(name, reached: head, timeout: .seconds(3_600))
                        return (name, secondsSince(start), nil)
                    } catch {
                        return (name, secondsSince(start), String(describing: error))
                    }
                }
            }
            var out: [(name: String, seconds: Double, failure: String?)] = []
            for await r in group { out.append((name: r.0, seconds: r.1, failure: r.2)) }
            return out
        }
        let seconds = secondsSince(start)
        await runner.stop()
        let ordered = runner.names.compactMap { name in finished.first { $0.name == name } }
        return Outcome(events: Int(head), seconds: seconds, projections: ordered)
    }
}
