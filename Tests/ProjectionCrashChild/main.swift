// The child process of ProjectionsTests' crash tests: runs a projection runner over a log,
// reports each committed checkpoint on stdout ("STATE POSITION", the rebuild position while
// rebuilding), and when its projector meets the event at PAUSE_AT it prints "paused PAUSE_AT"
// and blocks inside that batch's open transaction until the parent kills it with SIGKILL.
// Pausing makes the kill land mid-batch at a known event however fast or slow the machine is.
//
// usage: projection-crash-child LOG_DIR PROJECTIONS_DIR VERSION BATCH_SIZE PAUSE_AT
import EventLog
import Foundation
import GRDB
import Projections

/// Writes one line to stdout, unbuffered, so the parent sees it before a kill.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A `StreamCountProjector` that blocks forever (inside its batch) at `pauseAt`.
struct PausingProjector: Projector {
    let base: StreamCountProjector
    let pauseAt: UInt64
    var name: String { base.name }
    var version: Int { base.version }
    func registerMigrations(in migrator: inout DatabaseMigrator) { base.registerMigrations(in: &migrator) }
    func apply(_ event: borrowing EventView, _ db: Database) throws {
        if event.position == pauseAt {
            report("paused \(pauseAt)")
            while true { sleep(3600) }
        }
        try base.apply(event, db)
    }
}

let args = CommandLine.arguments
guard args.count == 6, let version = Int(args[3]), let batchSize = Int(args[4]), let pauseAt = UInt64(args[5]) else {
    FileHandle.standardError.write(Data("usage: projection-crash-child LOG_DIR PROJECTIONS_DIR VERSION BATCH_SIZE PAUSE_AT\n".utf8))
    exit(2)
}
do {
    let log = try EventLog.open(directory: args[1], options: .init(readOnly: true))
    let projector = PausingProjector(base: StreamCountProjector(version: version), pauseAt: pauseAt)
    let runner = try ProjectionRunner(log: log, directory: args[2], projectors: [projector],
                                      options: .init(batchSize: batchSize, maxBatchDuration: .seconds(3600)))
    runner.start()
    var last: UInt64 = .max
    while true {
        let s = runner.status()[0]
        let position = s.rebuild?.position ?? s.position
        if position != last {
            report("\(s.state) \(position)")
            last = position
        }
        if s.state == .failed {
            report("failed \(s.error ?? "")")
            exit(1)
        }
        try await Task.sleep(for: .milliseconds(1))
    }
} catch {
    report("error \(error)")
    exit(1)
}
