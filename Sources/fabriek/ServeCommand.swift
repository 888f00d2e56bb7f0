import ArgumentParser
import EventLog
import Fabriek
import FabriekServer
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `fabriek serve --data DIR [--host H] [--port P] [--demo]`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the API and the pages over a data directory (the log's one writer).",
        discussion: """
            Settings come from flags, else FABRIEK_DATA, FABRIEK_HOST, FABRIEK_PORT, FABRIEK_DEMO=1, \
            else ./data, 127.0.0.1, 8080. SIGTERM or SIGINT stops accepting, finishes the requests \
            in flight, closes the log (index persisted) and exits 0.
            """)

    @Option(help: "The data directory (default $FABRIEK_DATA or ./data).") var data: String?
    @Option(help: "Address to listen on (default $FABRIEK_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port (default $FABRIEK_PORT or 8080; 0 picks a free one).") var port: Int?
    @Flag(help: "Write the demo history first when the directory is empty, and print a token per role (or FABRIEK_DEMO=1).")
    var demo = false

    func run() async throws {
        // Swift concurrency's jobs run on NIO's event loops instead of Dispatch's pool: a
        // request's handler then runs on the thread that reads and writes its connection,
        // without two thread hand-offs per request (and continuations resumed by the log's
        // writer land on a loop). Blocking work stays off the loops: projections write on
        // GRDB's queues, the log on its writer thread.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let env = ProcessInfo.processInfo.environment
        let layout = DataLayout(path: data ?? env["FABRIEK_DATA"] ?? "data")
        let host = host ?? env["FABRIEK_HOST"] ?? "127.0.0.1"
        guard let port = port ?? Int(env["FABRIEK_PORT"] ?? "8080"), (0...65535).contains(port) else {
            throw ValidationError("FABRIEK_PORT must be a port number 0...65535")
        }
        let demo = demo || env["FABRIEK_DEMO"] == "1"
        var logger = Logger(label: "fabriek") { LineLogHandler(label: $0) }
        logger.logLevel = Logger.Level(rawValue: env["FABRIEK_LOG_LEVEL"] ?? "info") ?? .info

        var wroteDemo = false
        if demo && !layout.hasLog {
            guard layout.isEmpty else {
                throw ValidationError("\(layout.path) is not empty and holds no log; --demo writes only into an empty directory")
            }
            say("writing the demo history into \(layout.path) (once; takes a minute)...")
            let head = try await DemoSeed.write(into: layout)
            say("demo history written; head \(head)")
            wroteDemo = true
        }
        let runtime: ServerRuntime
        do {
            runtime = try ServerRuntime.open(layout: layout)
        } catch LogError.locked(let directory) {
            say("error: another process writes \(directory) (a running 'fabriek serve'?); stop it or choose another --data")
            throw ExitCode(3)
        }
        for damaged in runtime.runner.damagedFiles { say("warning: \(damaged)") }
        if wroteDemo {
            let count = try await DemoSeed.publishOpenJobs(runtime: runtime)
            say("published \(count) jobs open now (deadlines 2 to 6 weeks ahead) for the tender board")
        }
        if demo {
            for (role, token) in try DemoSeed.tokens(runtime: runtime) {
                say("token \(role): \(token)")
            }
        }
        let app = FabriekApplication.make(runtime: runtime, host: host, port: port, logger: logger) { bound in
            say("fabriek serving \(layout.path) on http://\(host):\(bound)/  (dashboard: http://\(host):\(bound)/, API: /api/v1, spec: /openapi.json)")
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: RuntimeService(runtime: runtime, logger: logger)), .init(service: app)],
                                 gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        say("fabriek stopped cleanly; head \(runtime.log.head())")
    }
}

/// Writes one line to standard output at once (unbuffered, also into a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
