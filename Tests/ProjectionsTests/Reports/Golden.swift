import Foundation
import Testing

/// Compares output with a checked-in golden file under `Tests/ProjectionsTests/Golden/`.
/// With `FABRIEK_UPDATE_GOLDEN=1` (or when the file is missing) the file is (re)written and
/// the test records an issue for a missing file, so a new golden is reviewed before it counts.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    static func check(_ output: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        let bytes = Data(output.utf8)
        let update = ProcessInfo.processInfo.environment["FABRIEK_UPDATE_GOLDEN"] == "1"
        guard !update, let golden = try? Data(contentsOf: url) else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try bytes.write(to: url)
            if !update { Issue.record("golden file \(name) was missing and has been written; review and commit it", sourceLocation: sourceLocation) }
            return
        }
        if golden != bytes {
            try? bytes.write(to: url.appendingPathExtension("actual"))
            Issue.record("\(name) differs from its golden file (output written to \(name).actual; FABRIEK_UPDATE_GOLDEN=1 accepts it)",
                         sourceLocation: sourceLocation)
        }
    }
}
