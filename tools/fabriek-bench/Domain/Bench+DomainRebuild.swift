import EventLog
import Foundation

extension Bench {
    /// Domain rebuild: every Fabriek read model over the domain log at `logDirectory`
    /// (`domain_rebuild_eps`, `domain_rebuild_seconds`, per read model its rate and digest in
    /// `domain_rebuild_projections`; failed projections are listed).
    static func domainRebuild(logDirectory: String, scratch: String, keep: Bool, batchSize: Int,
                              into figures: inout BenchFigures) async throws {
        try Files.freshDirectory(scratch)
        Files.settle()
        // Read-only, as `fabriek-admin projections rebuild` opens it: a writable open would also
        // run the log's background chain check (~1 s of CPU at 1M events) during the rebuild.
        let log = try EventLog.open(directory: logDirectory, options: .init(readOnly: true))
        let outcome: DomainRebuild.Outcome
        do {
            outcome = try await DomainRebuild.run(log: log, scratch: scratch, batchSize: batchSize)
        } catch {
            try? log.close()
            throw error
        }
        try log.close()
        if !keep { Files.remove(scratch) }
        figures.domainRebuildEPS = Double(outcome.events) / outcome.seconds
        figures.domainRebuildSeconds = outcome.seconds
        figures.domainRebuildBatch = batchSize
        figures.domainRebuildCPUMicrosecondsPerEvent = outcome.cpuSeconds * 1e6 / Double(outcome.events)
        figures.domainRebuildFailures = outcome.projections.compactMap { p in p.failure.map { "\(p.name): \($0)" } }
        figures.domainRebuildProjections = outcome.projections.map { p in
            DomainRebuildProjection(name: p.name, seconds: p.seconds, eventsPerSecond: Double(outcome.events) / p.seconds,
                                    cpuMicrosecondsPerEvent: p.cpuSeconds * 1e6 / Double(outcome.events), digest: p.digest)
        }
        for p in outcome.projections {
            progress("  domain rebuild \(p.name): \(p.failure == nil ? "at the head" : "FAILED") after \(Report.format(p.seconds, 2)) s, \(Report.format(Double(outcome.events) / p.seconds, 0)) ev/s, batches \(Report.format(p.cpuSeconds * 1e6 / Double(outcome.events), 2)) µs cpu per log event, digest \(p.digest ?? "—")\(p.failure.map { " — \($0)" } ?? "")")
        }
        progress("domain: rebuild of \(outcome.projections.count) read models, \(outcome.events) events in \(Report.format(outcome.seconds, 2)) s: \(Report.format(figures.domainRebuildEPS!, 0)) ev/s, cpu \(Report.format(outcome.cpuSeconds, 2)) s (\(Report.format(figures.domainRebuildCPUMicrosecondsPerEvent!, 1)) µs per event)")
    }
}
