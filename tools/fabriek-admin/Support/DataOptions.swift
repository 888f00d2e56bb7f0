import ArgumentParser
import Foundation

/// `--data DIR` (default `$FABRIEK_DATA`, else `./data`), shared by every command.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The data directory (default: $FABRIEK_DATA, else ./data).", valueName: "DIR"))
    var data: String?

    var directory: DataDirectory {
        let env = ProcessInfo.processInfo.environment["FABRIEK_DATA"].flatMap { $0.isEmpty ? nil : $0 }
        return DataDirectory(path: data ?? env ?? "./data")
    }
}

/// `--json` for read commands: machine-readable output instead of text.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}
