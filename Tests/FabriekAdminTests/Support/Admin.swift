import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `fabriek-admin` binary (found next to the test bundle) as a child process.
enum Admin {
    struct Result {
        var status: Int32
        /// True when the process was ended by a signal (`status` is then the signal number).
        var signalled = false
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    static let executable: URL? = {
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        candidates.append(Bundle.main.bundleURL)
        for start in candidates {
            var dir = start
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("fabriek-admin")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// Runs `fabriek-admin ARGS` with `FABRIEK_DATA` unset (tests pass --data), feeding `input`,
    /// with `environment` added. With `timeout` (seconds), a process still running then is killed
    /// (SIGKILL): a hung command fails its test instead of hanging it.
    @discardableResult
    static func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                    timeout: Double? = nil) throws -> Result {
        guard let executable else { throw AdminTestError.binaryMissing }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["FABRIEK_DATA"] = nil
        env["FABRIEK_MASTER_KEY"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let killer = timeout.map { seconds in
            let pid = process.processIdentifier
            let item = DispatchWorkItem { kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: item)
            return item
        }
        // Read both pipes concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let done = DispatchSemaphore(value: 0)
        let errThread = Thread { errData = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        errThread.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        killer?.cancel()
        return Result(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

enum AdminTestError: Error, CustomStringConvertible {
    case binaryMissing
    case failed(String)

    var description: String {
        switch self {
        case .binaryMissing: return "fabriek-admin not found next to the test bundle; run 'swift build --build-tests' first"
        case .failed(let s): return s
        }
    }
}

/// A fresh temporary directory, removed on deinit.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init() {
        let template = NSTemporaryDirectory() + "fabriek-admin-tests-XXXXXX"
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func sub(_ name: String) -> String { path + "/" + name }
}

/// One small demo history, generated once and copied for tests that change it.
enum DemoFixture {
    private static let shared: Swift.Result<String, AdminTestError> = {
        let dir = directory
        try? FileManager.default.removeItem(atPath: dir)
        atexit { try? FileManager.default.removeItem(atPath: DemoFixture.directory) }
        do {
            let r = try Admin.run(["demo", "--scale", "small", "--seed", "7", "--data", dir])
            guard r.status == 0 else { return .failure(.failed("demo failed (\(r.status)): \(r.stderr)")) }
            return .success(dir)
        } catch {
            return .failure(.failed("\(error)"))
        }
    }()

    private static var directory: String { NSTemporaryDirectory() + "fabriek-admin-demo-\(getpid())" }

    /// The shared data directory: read-only use only.
    static func path() throws -> String { try shared.get() }

    /// A private copy of the demo data directory inside `temp`.
    static func copy(into temp: TemporaryDirectory, name: String = "data") throws -> String {
        let target = temp.sub(name)
        try FileManager.default.copyItem(atPath: try path(), toPath: target)
        return target
    }
}

/// Holds `DIR/log/LOCK` like a writing server would.
final class WriterLockHolder {
    private let holder: FileLockHolder

    init(dataDirectory: String) throws {
        holder = try FileLockHolder(path: dataDirectory + "/log/LOCK")
    }
}

/// An exclusive `flock` on a file, held until deinit (as the log writer and the projection runner do).
final class FileLockHolder {
    private let fd: Int32

    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw AdminTestError.failed("cannot lock \(path)") }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

extension Admin {
    /// Runs `fabriek-admin ARGS` with output to files and returns its exit status, standard
    /// error and the child's own peak resident set in KiB.
    ///
    /// The peak is measured through a small intermediate process (`python3`, see
    /// `peakProbe`) that forks and execs the admin and reads its `ru_maxrss`: on Linux a
    /// process's `ru_maxrss` also counts the high-water mark of the memory it replaced at
    /// `exec`, and a child spawned straight from the test process (vfork) replaces the test
    /// process's own memory, hundreds of MB in the full suite. The intermediate's fork is
    /// small (~10 MB), so the figure is the admin's own, within that.
    static func runMeasuringMemory(_ arguments: [String], in temp: TemporaryDirectory,
                                   environment: [String: String] = [:]) throws -> (status: Int32, stderr: String, maxRSSKiB: Int) {
        guard let executable else { throw AdminTestError.binaryMissing }
        let errPath = temp.sub("stderr-\(UUID().uuidString)")
        let rssPath = temp.sub("maxrss-\(UUID().uuidString)")
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let python = "/usr/bin/python3"
        let argv = ([python, "-c", peakProbe, rssPath, executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = ProcessInfo.processInfo.environment.filter { $0.key != "FABRIEK_DATA" && $0.key != "FABRIEK_MASTER_KEY" }
            .merging(environment) { $1 }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, python, &actions, nil, argv, env)
        guard rc == 0 else { throw AdminTestError.failed("posix_spawn \(python) failed: \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw AdminTestError.failed("waitpid failed: \(errno)") }
        }
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        guard let text = try? String(contentsOfFile: rssPath, encoding: .utf8),
              let maxRSS = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw AdminTestError.failed("the peak-memory probe wrote no figure (exit \(exit)): \(stderr)")
        }
        return (exit, stderr, maxRSS)
    }

    /// Forks, execs `argv[2...]`, waits, writes the child's `ru_maxrss` (KiB) to `argv[1]` and
    /// exits with the child's status (128 + signal when killed).
    private static let peakProbe = """
        import os, sys
        pid = os.fork()
        if pid == 0:
            try:
                os.execv(sys.argv[2], sys.argv[2:])
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        open(sys.argv[1], "w").write(str(usage.ru_maxrss))
        sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
        """
}
