import ArgumentParser
import Projections

/// The command line: `fabriek-bench [--events N | --workload FILE] [--json FILE] [--dir DIR]
/// [--phases LIST] [--stores LIST] [--generator PATH] [--replay-runs N] [--domain-batch N] [--keep]`.
struct BenchOptions: Sendable {
    /// Workload size when it is generated (no `--workload`).
    var events = 100_000
    /// A workload JSON Lines file to use instead of generating one.
    var workloadFile: String?
    /// Where to write the figures as JSON.
    var jsonFile: String?
    /// Scratch directory for the generated workload and the stores; nil: a new one under /tmp,
    /// removed at the end.
    var directory: String?
    var phases = Set(Phase.allCases)
    var stores = ["fabriek", "baseline"]
    /// `gen_workload.py`, relative to the current directory unless absolute.
    var generator = "../shared/bench/gen_workload.py"
    /// Full replays per replay phase (the median is reported); more for profiling.
    var replayRuns = 3
    /// Leave each phase's store on disk (needs `--dir`), for inspection.
    var keepStores = false
    /// Events per transaction of the domain rebuild (`fabriek-admin projections rebuild` uses
    /// `ProjectionRunner.Options.bulk()`: 250,000).
    var domainBatch = ProjectionRunner.Options.bulk().batchSize
    /// The domain phase also rebuilds every Fabriek read model (`--no-domain-rebuild`: only the
    /// domain log's typed replay and size).
    var domainRebuild = true
    /// `--probe-open DIR`: run only `OpenProbe` on the log in DIR and print its JSON line (the
    /// `scale` phase starts the bench itself this way).
    var probeOpen: String?

    /// A command-line mistake; `description` names the argument, and is empty for `--help`.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// The help text (`--help`).
    static var usage: String { BenchArguments.helpMessage() }

    /// Parses the arguments after the program name with swift-argument-parser, like the admin
    /// CLI. `--help` throws a `UsageError` with an empty description.
    static func parse(_ arguments: [String]) throws(UsageError) -> BenchOptions {
        let parsed: BenchArguments
        do {
            parsed = try BenchArguments.parse(arguments)
        } catch {
            if BenchArguments.exitCode(for: error) == .success { throw UsageError(description: "") }
            throw UsageError(description: BenchArguments.message(for: error))
        }
        var options = BenchOptions()
        if let events = parsed.events { options.events = events }
        options.workloadFile = parsed.workload
        options.jsonFile = parsed.json
        options.directory = parsed.dir
        if let phases = parsed.phases { options.phases = Set(phases.phases) }
        if let stores = parsed.stores { options.stores = stores.names }
        if let generator = parsed.generator { options.generator = generator }
        if let runs = parsed.replayRuns { options.replayRuns = runs }
        if let batch = parsed.domainBatch { options.domainBatch = batch }
        options.keepStores = parsed.keep
        options.domainRebuild = !parsed.noDomainRebuild
        options.probeOpen = parsed.probeOpen
        return options
    }
}

/// The options of `fabriek-bench`, parsed by swift-argument-parser.
struct BenchArguments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fabriek-bench",
        abstract: "Fabriek's log against one SQLite events table on the workload of shared/bench/WORKLOAD.md.",
        discussion: "Build and run in release mode: swift run -c release fabriek-bench --events 100000")

    /// A comma-separated list of phases.
    struct PhaseList: ExpressibleByArgument {
        var phases: [Phase]
        init?(argument: String) {
            var phases: [Phase] = []
            for name in argument.split(separator: ",") {
                guard let phase = Phase(rawValue: String(name)) else { return nil }
                phases.append(phase)
            }
            self.phases = phases
        }
    }

    /// A comma-separated list of stores (`fabriek`, `baseline`).
    struct StoreList: ExpressibleByArgument {
        var names: [String]
        init?(argument: String) {
            names = argument.split(separator: ",").map(String.init)
            guard names.allSatisfy({ ["fabriek", "baseline"].contains($0) }) else { return nil }
        }
    }

    @Option(help: ArgumentHelp("Generate a workload of N events (default 100000) with --generator.", valueName: "N"))
    var events: Int?
    @Option(help: ArgumentHelp("Use this workload JSON Lines file instead.", valueName: "FILE"))
    var workload: String?
    @Option(help: ArgumentHelp("Also write the figures as JSON to FILE.", valueName: "FILE"))
    var json: String?
    @Option(help: ArgumentHelp("Scratch directory for the workload and the stores (kept; default: a new directory under /tmp, removed at the end).", valueName: "DIR"))
    var dir: String?
    @Option(help: ArgumentHelp("Comma-separated, default all: \(Phase.allCases.map(\.rawValue).joined(separator: ",")).", valueName: "LIST"))
    var phases: PhaseList?
    @Option(help: ArgumentHelp("Comma-separated, default fabriek,baseline.", valueName: "LIST"))
    var stores: StoreList?
    @Option(help: ArgumentHelp("gen_workload.py (default ../shared/bench/gen_workload.py).", valueName: "PATH"))
    var generator: String?
    @Option(name: .customLong("replay-runs"), help: ArgumentHelp("Full replays per replay phase, median reported (default 3; one when a replay takes over 5 s).", valueName: "N"))
    var replayRuns: Int?
    @Option(name: .customLong("domain-batch"), help: ArgumentHelp("Events per transaction when the domain phase rebuilds every Fabriek read model (default 250000, as fabriek-admin).", valueName: "N"))
    var domainBatch: Int?
    @Flag(help: "Keep each phase's store in DIR for inspection (needs --dir).")
    var keep = false
    @Flag(name: .customLong("no-domain-rebuild"), help: "In the domain phase, only write, replay and measure the domain log.")
    var noDomainRebuild = false
    @Option(name: .customLong("probe-open"), help: ArgumentHelp("Only open the log in DIR as a writer, append once, and print times and memory as JSON (what the scale phase runs in a child process).", valueName: "DIR"))
    var probeOpen: String?

    mutating func validate() throws {
        if let events, events <= 0 { throw ArgumentParser.ValidationError("--events needs a positive number, not \(events)") }
        if let replayRuns, replayRuns <= 0 { throw ArgumentParser.ValidationError("--replay-runs needs a positive number, not \(replayRuns)") }
        if let domainBatch, domainBatch <= 0 { throw ArgumentParser.ValidationError("--domain-batch needs a positive number, not \(domainBatch)") }
        if events != nil && workload != nil { throw ArgumentParser.ValidationError("give either --events or --workload, not both") }
        if keep && dir == nil { throw ArgumentParser.ValidationError("--keep needs --dir DIR") }
    }
}
