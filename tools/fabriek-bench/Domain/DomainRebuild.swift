import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import PersonalData
import Projections

/// Rebuilds every Fabriek read model (member directory, tender board, consortia and bids,
/// YouRegion register, programme KPIs) over a log of domain events through one
/// `ProjectionRunner` (`batchSize` events per transaction, otherwise `ProjectionRunner.Options.bulk()`
/// as `fabriek-admin projections rebuild` runs), from creating the files until each projection has
/// reached the head or failed. A projection that fails is reported, not hidden; each one that
/// reached the head gets its content digest.
enum DomainRebuild {
    struct Outcome: Sendable {
        var events: Int
        /// From creating the files until the last projection finished (reached the head or failed).
        var seconds: Double
        /// CPU seconds of the process (user + system, all threads) from creating the files until
        /// the runner stopped: the work, whatever else the machine runs.
        var cpuSeconds: Double
        /// Per projection: seconds until it finished, CPU seconds of its batches (apply and
        /// finishBatch on its thread, commits not counted), its failure if it failed, and
        /// (untimed, after the runner stopped) the content digest of its file when it reached
        /// the head.
        var projections: [(name: String, seconds: Double, cpuSeconds: Double, failure: String?, digest: String?)]
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
    static func run(log: EventLog, scratch: String, batchSize: Int) async throws -> Outcome {
        let projectors = try projectors(scratch: scratch).map(TimedProjector.init)
        let head = log.head().position
        let start = monotonicNanoseconds()
        let timer = PhaseTimer()
        let runner = try ProjectionRunner(log: log, directory: scratch + "/projections", projectors: projectors,
                                          options: .init(batchSize: batchSize,
                                                         maxBatchDuration: ProjectionRunner.Options.bulk().maxBatchDuration))
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
        let cpuSeconds = timer.cpuSeconds
        let ordered = try runner.names.compactMap { name in
            try finished.first { $0.name == name }.map { p in
                (name: p.name, seconds: p.seconds, cpuSeconds: projectors.first { $0.name == name }?.cpuSeconds ?? 0,
                 failure: p.failure,
                 digest: p.failure == nil ? try ProjectionDigest.compute(file: "\(runner.directory)/\(name).sqlite") : nil)
            }
        }
        return Outcome(events: Int(head), seconds: seconds, cpuSeconds: cpuSeconds, projections: ordered)
    }
}
