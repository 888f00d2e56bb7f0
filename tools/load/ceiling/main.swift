import Foundation
import Hummingbird
import Logging

/// The load benchmark's ceiling: a plain Hummingbird application with one route that returns
/// a constant, no middleware. `tools/load/run.sh` drives it with the same `wrk` settings as the
/// Fabriek routes, one after the other on the same machine, so "Fabriek's rate ÷ this rate" is
/// the share of the machine's HTTP capacity the routes keep after their own work.
///
/// A separate executable rather than a route of `fabriek serve`: a route there would pass
/// through Fabriek's middleware (metrics, request log, problem mapping) and so not be a plain
/// Hummingbird route, and the product binary carries no benchmark code.
///
/// `fabriek-load-ceiling [PORT]` (0 or absent picks a free port) prints
/// `ceiling serving on http://127.0.0.1:PORT/` and serves `GET /` until SIGTERM/SIGINT.
@main
struct Ceiling {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
        let body = ByteBuffer(string: #"{"status":"ok"}"#)
        let router = Router()
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
        }
        var logger = Logger(label: "ceiling")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "ceiling"),
            onServerRunning: { channel in
                FileHandle.standardOutput.write(Data("ceiling serving on http://127.0.0.1:\(channel.localAddress?.port ?? port)/\n".utf8))
            },
            logger: logger)
        try await app.runService()
    }
}
