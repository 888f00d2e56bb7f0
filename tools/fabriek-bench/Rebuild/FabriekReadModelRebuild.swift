import EventLog
import Projections

/// Rebuilds the workload read model from Fabriek's log through the real `ProjectionRunner`
/// (batches of 1,000 events, rows and checkpoint in one transaction per batch, WAL with
/// `synchronous=NORMAL` from the first batch as WORKLOAD.md prescribes), from creating the file
/// to the commit of the log's last event.
enum FabriekReadModelRebuild {
    /// Runs the rebuild into an empty `directory`; returns the seconds from creating the file to
    /// the last commit and the path of the read model file (closed, ready for the digest).
    static func run(log: EventLog, directory: String) async throws -> (seconds: Double, file: String) {
        let projector = WorkloadReadModelProjector()
        let head = log.head().position
        let start = monotonicNanoseconds()
        let runner = try ProjectionRunner(log: log, directory: directory, projectors: [projector],
                                          options: .init(batchSize: 1_000, unsyncedFirstBuild: false))
        runner.start()
        do {
            try await runner.waitUntil(projector.name, reached: head, timeout: .seconds(3_600))
        } catch {
            await runner.stop()
            throw error
        }
        let seconds = secondsSince(start)
        await runner.stop()
        return (seconds, "\(directory)/\(projector.name).sqlite")
    }
}
