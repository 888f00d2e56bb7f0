import EventLog
import Foundation

extension Bench {
    /// Domain rebuild: every Fabriek read model over the domain log at `logDirectory`
    /// (`domain_rebuild_eps`, `domain_rebuild_seconds`; failed projections are listed).
    static func domainRebuild(logDirectory: String, scratch: String, keep: Bool, into figures: inout BenchFigures) async throws {
        try Files.freshDirectory(scratch)
        Files.settle()
        let log = try EventLog.open(directory: logDirectory, options: .init(durability: .none))
        let outcome: DomainRebuild.Outcome
        do {
            outcome = try await DomainRebuild.run(log: log, scratch: scratch)
        } catch {
            try? log.close()
            throw error
        }
        try log.close()
        if !keep { Files.remove(scratch) }
        figures.domainRebuildEPS = Double(outcome.events) / outcome.seconds
        figures.domainRebuildSeconds = outcome.seconds
        figures.domainRebuildFailures = outcome.projections.compactMap { p in p.failure.map { "\(p.name): \($0)" } }
        for p in outcome.projections {
            progress("  domain rebuild \(p.name): \(p.failure == nil ? "at the head" : "FAILED") after \(Report.format(p.seconds, 2)) s\(p.failure.map { " — \($0)" } ?? "")")
        }
        progress("domain: rebuild of \(outcome.projections.count) read models, \(outcome.events) events in \(Report.format(outcome.seconds, 2)) s: \(Report.format(figures.domainRebuildEPS!, 0)) ev/s")
    }
}
