// fabriek-bench: Fabriek's log against one SQLite events table on the workload of
// shared/bench/WORKLOAD.md. See BenchOptions.usage, or run with --help.
import Foundation

let status = await Bench.main(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
