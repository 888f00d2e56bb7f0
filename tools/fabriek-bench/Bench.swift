import EventLog
import Foundation

/// The benchmark run: workload, fdatasync probe, the phases for both stores, the report.
enum Bench {
    /// Runs the command line; returns the process exit status (0 ok, 1 failure, 2 usage).
    static func main(arguments: [String]) async -> Int32 {
        let options: BenchOptions
        do {
            options = try BenchOptions.parse(arguments)
        } catch {
            if !error.description.isEmpty { progress("fabriek-bench: \(error.description)") }
            progress(BenchOptions.usage)
            return error.description.isEmpty ? 0 : 2
        }
        do {
            try await run(options)
            return 0
        } catch {
            progress("fabriek-bench: \(error)")
            return 1
        }
    }

    static func run(_ options: BenchOptions) async throws {
        let directory: String
        if let given = options.directory {
            try FileManager.default.createDirectory(atPath: given, withIntermediateDirectories: true)
            directory = given
        } else {
            directory = try Files.temporaryDirectory(prefix: "fabriek-bench")
        }
        defer { if options.directory == nil { Files.remove(directory) } }
        #if DEBUG
        progress("warning: this is a debug build; figures are meaningless. Use -c release.")
        #endif

        var figures: BenchFigures
        if options.phases == [.domain] && options.workloadFile == nil {
            // The domain phase writes its own log of `--events` domain events: no workload file.
            figures = BenchFigures(workloadEvents: options.events, workloadStreams: 0, longestStream: 0)
        } else {
            figures = try await runWorkloadPhases(options, directory: directory)
        }

        if options.phases.contains(.domain) {
            let count = figures.workloadEvents
            progress("domain: writing \(count) domain events")
            let dir = directory + "/fabriek-domain"
            try? FileManager.default.removeItem(atPath: dir)
            let log = try EventLog.open(directory: dir, options: .init(durability: .none, clock: DomainWorkload.clock()))
            try await DomainWorkload(count: count, seed: 2019).write(to: log)
            try log.close()
            let reopened = try EventLog.open(directory: dir, options: .init(readOnly: true))
            var best = 0.0
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                let (n, _) = try DomainWorkload.replayTyped(reopened)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                best = max(best, Double(n) / seconds)
            }
            figures.domainReplayTypedEPS = best
            figures.domainBytesPerEvent = Double(EventLog.bytesOnDisk(dir)) / Double(count)
            try reopened.close()
            progress("domain: typed replay \(Report.format(best, 0)) ev/s")
            try await domainRebuild(logDirectory: dir, scratch: directory + "/fabriek-domain-rebuild",
                                    keep: options.keepStores, batchSize: options.domainBatch, into: &figures)
            if !options.keepStores { try? FileManager.default.removeItem(atPath: dir) }
        }
        print(Report.markdown(figures))
        if let jsonFile = options.jsonFile {
            try figures.json().write(to: URL(fileURLWithPath: jsonFile))
            progress("wrote \(jsonFile)")
        }
    }

    /// Generates or reads the workload and runs every selected phase but `domain` on the stores.
    private static func runWorkloadPhases(_ options: BenchOptions, directory: String) async throws -> BenchFigures {
        let workloadPath: String
        if let file = options.workloadFile {
            workloadPath = file
        } else {
            workloadPath = "\(directory)/workload-\(options.events).jsonl"
            progress("generating \(workloadPath) with \(options.generator)")
            try Workload.generate(events: options.events, generator: options.generator, path: workloadPath)
        }
        progress("parsing \(workloadPath)")
        var start = monotonicNanoseconds()
        let workload = try Workload.load(path: workloadPath)
        progress("  \(workload.count) events, \(workload.streams.count) streams, longest \(workload.longestStream) (\(workload.streamLengths[workload.longestStream] ?? 0) events), parsed in \(Report.format(secondsSince(start), 1)) s")
        start = monotonicNanoseconds()
        let sizes = try workload.checkPayloadFormats(originalPath: workloadPath)
        progress("  payload formats checked in \(Report.format(secondsSince(start), 1)) s: mean payload \(Report.format(sizes.binary, 1)) bytes binary (fabriek), \(Report.format(sizes.json, 1)) bytes JSON (baseline)")

        var figures = BenchFigures(workloadEvents: workload.count, workloadStreams: workload.streams.count,
                                   longestStream: workload.streamLengths[workload.longestStream] ?? 0)
        let runner = PhaseRunner(workload: workload, phases: options.phases, directory: directory,
                                 generator: options.generator, keepStores: options.keepStores,
                                 replayRuns: options.replayRuns)
        let runFabriek = options.stores.contains(FabriekStore.name)
        let runBaseline = options.stores.contains(SQLiteBaseline.name)
        var fabriek = StoreFigures(), baseline = StoreFigures()

        // Phase groups in turn, both stores in each, so that both meet similar disk conditions.
        // The durable small commits come first and back to back, as their targets compare them
        // with each other (single with the fdatasync probe, concurrent with single).
        if options.phases.contains(.fsync) {
            Files.settle()
            figures.fdatasyncEPS = try FsyncProbe.appendsPerSecond(directory: directory)
            progress("fdatasync probe: \(Report.format(figures.fdatasyncEPS!, 0)) appends/s (4 KiB each)")
        }
        if runFabriek { try await runner.appendSingle(FabriekStore.self, into: &fabriek) }
        if runBaseline { try await runner.appendSingle(SQLiteBaseline.self, into: &baseline) }
        if runFabriek { try await runner.appendConcurrent(FabriekStore.self, into: &fabriek) }
        if runBaseline { try await runner.appendConcurrent(SQLiteBaseline.self, into: &baseline) }
        if options.phases.contains(.fsync) {
            Files.settle()
            figures.fdatasyncPrezeroedEPS = try FsyncProbe.overwritesPerSecond(directory: directory)
            progress("fdatasync probe, pre-zeroed file: \(Report.format(figures.fdatasyncPrezeroedEPS!, 0)) writes/s (4 KiB each)")
        }
        if runFabriek { try await runner.batchAndReads(FabriekStore.self, into: &fabriek) }
        if runBaseline { try await runner.batchAndReads(SQLiteBaseline.self, into: &baseline) }
        figures.fabriek = runFabriek ? fabriek : nil
        figures.baseline = runBaseline ? baseline : nil

        return figures
    }
}
