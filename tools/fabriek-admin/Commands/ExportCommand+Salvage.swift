import EventLog
import Foundation

extension ExportLinesCommand {
    /// `export FILE --salvage`: the commits of a damaged log that still verify, as the usual JSON
    /// lines (each with its own position and commit), read straight from the segment files
    /// (`LogSalvage`) — no open, no lock, nothing written in the data directory. Standard error
    /// names every position range that could not be recovered and why; exit 4 when any was.
    func runSalvage() throws {
        let dir = dataOptions.directory
        guard dir.hasLog else {
            throw AdminError.failure("no event log in \(dir.logPath) (no segments/ directory); check --data")
        }
        let handle: FileHandle
        if file == "-" {
            handle = .standardOutput
        } else {
            guard FileManager.default.createFile(atPath: file, contents: nil) else {
                throw AdminError.failure("cannot create \(file); check that its directory exists and is writable")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        }
        let rendering = EventRendering(context: .sealed, exact: true)
        var buffer: [UInt8] = []
        let report = try LogSalvage.salvage(directory: dir.logPath) { event, commit in
            buffer.append(contentsOf: rendering.line(event, commit: commit))
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 { handle.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        handle.write(Data(buffer))
        if file != "-" {
            try handle.synchronize()
            try handle.close()
        }
        let target = file == "-" ? "standard output" : file
        printError("salvage: recovered \(report.eventCount) events in \(report.recovered.count) commits to \(target)\(Self.summary(report.recovered))")
        for finding in report.findings { printError("salvage: note: \(finding)") }
        for loss in report.losses { printError("salvage: NOT recovered: \(loss)") }
        if !report.isComplete {
            throw AdminError(.corrupt, "salvage: \(report.losses.count) range(s) of positions could not be recovered (listed above); the file holds every commit that still verifies")
        }
    }

    /// ` (positions 1...818, 831...2000)`: the recovered commits merged into ranges.
    static func summary(_ commits: [ClosedRange<UInt64>]) -> String {
        var ranges: [ClosedRange<UInt64>] = []
        for c in commits {
            if let last = ranges.last, last.upperBound + 1 == c.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound...c.upperBound
            } else {
                ranges.append(c)
            }
        }
        guard !ranges.isEmpty else { return "" }
        return " (positions " + ranges.map { "\($0.lowerBound)...\($0.upperBound)" }.joined(separator: ", ") + ")"
    }
}
