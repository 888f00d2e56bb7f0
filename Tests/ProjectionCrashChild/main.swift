// The child process of ProjectionsTests' crash tests: runs a projection runner over a log and
// reports each committed checkpoint on stdout ("STATE POSITION", the rebuild position while
// rebuilding) until the parent kills it with SIGKILL.
//
// usage: projection-crash-child LOG_DIR PROJECTIONS_DIR VERSION BATCH_SIZE
import EventLog
import Foundation
import Projections

/// Writes one line to stdout, unbuffered, so the parent sees it before a kill.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let args = CommandLine.arguments
guard args.count == 5, let version = Int(args[3]), let batchSize = Int(args[4]) else {
    FileHandle.standardError.write(Data("usage: projection-crash-child LOG_DIR PROJECTIONS_DIR VERSION BATCH_SIZE\n".utf8))
    exit(2)
}
do {
    let log = try EventLog.open(directory: args[1], options: .init(readOnly: true))
    let runner = try ProjectionRunner(log: log, directory: args[2], projectors: [StreamCountProjector(version: version)],
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
