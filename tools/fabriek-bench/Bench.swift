import EventLog
import Foundation
import Projections

/// The benchmark run: workload, fdatasync probe, the phases for both stores, the report.
enum Bench {
    /// Runs the command line; returns the process exit status (0 ok, 1 failure, 2 usage).
    static func main(arguments: [String]) async -> Int32 {
        SQLiteProcessSettings.configure()
        let options: BenchOptions
        do {
            options = try BenchOptions.parse(arguments)
        } catch {
            if !error.description.isEmpty { progress("fabriek-bench: \(error.description)") }
            progress(BenchOptions.usage)
            return error.description.isEmpty ? 0 : 2
        }
        do {
            if let directory = options.probeOpen {
                let probe = try await OpenProbe.run(directory: directory)
                FileHandle.standardOutput.write(try probe.json() + Data("\n".utf8))
                return 0
            }
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

        // The domain phase alone writes its own events: no workload to generate or parse.
        let needsWorkload = options.workloadFile != nil || !options.phases.isSubset(of: [.domain])
        var figures = BenchFigures(workloadEvents: options.events, workloadStreams: 0, longestStream: 0)
        if needsWorkload {
            try await runWorkloadPhases(options, directory: directory, into: &figures)
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
            var rates: [Double] = []
            var cpuPerEvent: [Double] = []
            for _ in 0..<options.replayRuns {
                let timer = PhaseTimer()
                let (n, checksum) = try DomainWorkload.replayTyped(reopened)
                let seconds = timer.wallSeconds
                guard n == count else {
                    throw BenchCheckError(description: "domain: typed replay read \(n) events, expected \(count)")
                }
                blackHole(checksum)
                rates.append(Double(n) / seconds)
                cpuPerEvent.append(timer.cpuSeconds / Double(n) * 1e6)
            }
            rates.sort()
            cpuPerEvent.sort()
            let median = rates[rates.count / 2]
            figures.domainReplayTypedEPS = median
            figures.domainReplayTypedCPUMicrosecondsPerEvent = cpuPerEvent[cpuPerEvent.count / 2]
            figures.domainBytesPerEvent = Double(EventLog.bytesOnDisk(dir)) / Double(count)
            try reopened.close()
            progress("domain: typed replay, \(rates.count) runs: \(rates.map { Report.format($0, 0) }.joined(separator: ", ")) ev/s, "
                     + "median \(Report.format(median, 0)) ev/s; cpu (all threads) per event \(cpuPerEvent.map { Report.format($0, 3) }.joined(separator: ", ")) µs")
            if options.domainRebuild {
                try await domainRebuild(logDirectory: dir, scratch: directory + "/fabriek-domain-rebuild",
                                        keep: options.keepStores, batchSize: options.domainBatch, into: &figures)
            }
            if !options.keepStores { try? FileManager.default.removeItem(atPath: dir) }
        }
        print(Report.markdown(figures))
        if let jsonFile = options.jsonFile {
            try figures.json().write(to: URL(fileURLWithPath: jsonFile))
            progress("wrote \(jsonFile)")
        }
    }

    /// Generates or reads the workload, then runs the selected phases of both stores on it.
    private static func runWorkloadPhases(_ options: BenchOptions, directory: String, into figures: inout BenchFigures) async throws {
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

        figures = BenchFigures(workloadEvents: workload.count, workloadStreams: workload.streams.count,
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
    }
}
