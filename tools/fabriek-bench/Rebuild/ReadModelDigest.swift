import Foundation

/// The content digest of a workload read model file, computed by the workload's own
/// `readmodel_digest.py` (next to `gen_workload.py`), and the reference digests it must match.
enum ReadModelDigest {
    /// WORKLOAD.md: the digest of a correct rebuild, per workload size.
    static let references: [Int: String] = [100_000: "b830c277c96b6c0f", 1_000_000: "bb4a3f36e29445fd"]

    /// `python3 <dir of generator>/readmodel_digest.py file`, trimmed.
    static func compute(file: String, generator: String) throws -> String {
        let script = ((generator as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("readmodel_digest.py")
        guard FileManager.default.fileExists(atPath: script) else {
            throw BenchCheckError(description: "readmodel_digest.py not found at \(script) (next to --generator)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, file]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchCheckError(description: "python3 \(script) \(file) exited with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
