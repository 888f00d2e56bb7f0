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
    /// 5,000).
    var domainBatch = 5_000

    static let usage = """
        usage: fabriek-bench [--events N | --workload FILE] [--json FILE] [--dir DIR]
                             [--phases LIST] [--stores LIST] [--generator PATH]
                             [--replay-runs N] [--domain-batch N] [--keep]

          --events N        generate a workload of N events (default 100000) with --generator
          --workload FILE   use this workload JSON Lines file instead
          --json FILE       also write the figures as JSON to FILE
          --dir DIR         scratch directory for the workload and the stores (kept; default:
                            a new directory under /tmp, removed at the end)
          --phases LIST     comma-separated, default all: \(Phase.allCases.map(\.rawValue).joined(separator: ","))
          --stores LIST     comma-separated, default fabriek,baseline
          --generator PATH  gen_workload.py (default ../shared/bench/gen_workload.py)
          --replay-runs N   full replays per replay phase, median reported (default 3; one
                            when a replay takes over 5 s)
          --domain-batch N  events per transaction when the domain phase rebuilds every
                            Fabriek read model (default 5000, as fabriek-admin)
          --keep            keep each phase's store in DIR for inspection (needs --dir)

        Build and run in release mode: swift run -c release fabriek-bench --events 100000
        """

    /// A command-line mistake; `description` names the argument.
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses the arguments after the program name. `--help` throws a `UsageError` with an empty
    /// description.
    static func parse(_ arguments: [String]) throws(UsageError) -> BenchOptions {
        var options = BenchOptions()
        var eventsGiven = false
        var rest = arguments[...]
        func value(_ flag: String) throws(UsageError) -> String {
            guard let v = rest.popFirst(), !v.hasPrefix("--") else { throw UsageError(description: "\(flag) needs a value") }
            return v
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--events":
                let v = try value(flag)
                guard let n = Int(v.replacingOccurrences(of: "_", with: "")), n > 0 else {
                    throw UsageError(description: "--events needs a positive number, not '\(v)'")
                }
                options.events = n
                eventsGiven = true
            case "--workload": options.workloadFile = try value(flag)
            case "--json": options.jsonFile = try value(flag)
            case "--dir": options.directory = try value(flag)
            case "--generator": options.generator = try value(flag)
            case "--phases":
                var phases = Set<Phase>()
                for name in try value(flag).split(separator: ",") {
                    guard let phase = Phase(rawValue: String(name)) else {
                        throw UsageError(description: "unknown phase '\(name)'; phases are \(Phase.allCases.map(\.rawValue).joined(separator: ","))")
                    }
                    phases.insert(phase)
                }
                options.phases = phases
            case "--stores":
                let stores = try value(flag).split(separator: ",").map(String.init)
                for store in stores where !["fabriek", "baseline"].contains(store) {
                    throw UsageError(description: "unknown store '\(store)'; stores are fabriek,baseline")
                }
                options.stores = stores
            case "--replay-runs":
                let v = try value(flag)
                guard let n = Int(v), n > 0 else { throw UsageError(description: "--replay-runs needs a positive number, not '\(v)'") }
                options.replayRuns = n
            case "--domain-batch":
                let v = try value(flag)
                guard let n = Int(v), n > 0 else { throw UsageError(description: "--domain-batch needs a positive number, not '\(v)'") }
                options.domainBatch = n
            case "--keep": options.keepStores = true
            case "--help", "-h":
                throw UsageError(description: "")
            default:
                throw UsageError(description: "unknown argument '\(flag)'")
            }
        }
        if eventsGiven && options.workloadFile != nil {
            throw UsageError(description: "give either --events or --workload, not both")
        }
        if options.keepStores && options.directory == nil {
            throw UsageError(description: "--keep needs --dir DIR")
        }
        return options
    }
}
