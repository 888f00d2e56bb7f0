import Foundation

/// The system-call fault shim (`faultshim.c` beside this file) for tests that run a child
/// process under `LD_PRELOAD`: compiled once per test process with the C compiler found on PATH
/// (`cc` or `clang`, else the Swift toolchain's clang).
public enum FaultShim {
    /// The compiled shared library; nil when no C compiler could build it.
    public static let path: String? = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("faultshim.c").path
        let output = NSTemporaryDirectory() + "faultshim-\(getpid()).so"
        let searchPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let candidates = searchPath.flatMap { [$0 + "/cc", $0 + "/clang"] } + ["/usr/bin/cc", "/opt/swift/usr/bin/clang"]
        for compiler in candidates where FileManager.default.isExecutableFile(atPath: compiler) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: compiler)
            p.arguments = ["-shared", "-fPIC", "-O1", "-o", output, source, "-ldl", "-lpthread"]
            guard (try? p.run()) != nil else { continue }
            p.waitUntilExit()
            if p.terminationStatus == 0 { return output }
        }
        return nil
    }()

    /// What to tell a missing compiler apart from a failing test.
    public static let missing = "no C compiler (cc or clang) to build Tests/FaultInjection/faultshim.c"

    /// The environment that makes the `at`th counted call on files under `directory` fail
    /// (`at` 0: none; count only), with `errno` (`EIO` or `ENOSPC`), or cut short.
    public static func environment(shim: String, directory: String, at: Int, errno: String = "EIO", short: Bool = false,
                                   countFile: String? = nil, traceFile: String? = nil) -> [String: String] {
        var env = ["LD_PRELOAD": shim, "FAULT_DIR": directory, "FAULT_AT": "\(at)", "FAULT_ERRNO": errno,
                   "FAULT_SHORT": short ? "1" : "0"]
        if let countFile { env["FAULT_COUNT_FILE"] = countFile }
        if let traceFile { env["FAULT_LOG"] = traceFile }
        return env
    }

    /// The number of counted calls a run wrote to its `countFile`.
    public static func count(in countFile: String) -> Int? {
        (try? String(contentsOfFile: countFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
