import FabriekServer
import Foundation
import Logging
import Synchronization
import Testing

/// The request log line (`RequestObserverMiddleware`): one line per request with method, route,
/// status, duration and the caller's role, captured through a `LogHandler` of the test.
@Suite struct RequestLogTests {
    @Test("""
        given requests by a member, a coordinator, a refused role, no token and a public route, then each gets one \
        'request' line naming its route template, status and the caller's role ('-' without a valid token), and no \
        line holds the query or the token
        """)
    func callerRoleIsLogged() async throws {
        let captured = CapturedLog()
        try await ServerHarness.run(logger: captured.logger()) { h in
            let member = ServerHarness.memberA.uuidString.lowercased()
            // when
            let put = try await h.call("PUT", "/api/v1/members/\(member)/rate", role: .member, body: #"{"unit": "hour", "amountCents": 7100}"#)
            #expect(put.status == 200, "\(put.text)")
            #expect(try await h.call("GET", "/api/v1/members/\(member)?q=geheim-zoekwoord", role: .coordinator).status == 200)
            #expect(try await h.call("POST", "/api/v1/members", role: .municipality, body: "{}").status == 403)
            #expect(try await h.call("GET", "/api/v1/members/\(member)").status == 401)
            #expect(try await h.call("GET", "/healthz").status == 200)

            // then
            let lines = captured.lines.filter { $0.message == "request" }
            func line(_ method: String, _ route: String, _ status: Int) -> CapturedLog.Line? {
                lines.first { $0.metadata["method"] == method && $0.metadata["route"] == route && $0.metadata["status"] == "\(status)" }
            }
            let rate = try #require(line("PUT", "/api/v1/members/{memberId}/rate", 200), "lines: \(lines)")
            #expect(rate.metadata["caller"] == "member")
            #expect(rate.level == .info)
            #expect(rate.metadata["durationMs"].map { $0.range(of: #"^\d+\.\d\d$"#, options: .regularExpression) != nil } == true)
            #expect(line("GET", "/api/v1/members/{memberId}", 200)?.metadata["caller"] == "coordinator")
            #expect(line("POST", "/api/v1/members", 403)?.metadata["caller"] == "municipality")
            #expect(line("GET", "/api/v1/members/{memberId}", 401)?.metadata["caller"] == "-")
            #expect(line("GET", "/healthz", 200)?.metadata["caller"] == "-")
            #expect(lines.count == 5, "one line per request: \(lines)")

            let text = captured.lines.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!text.contains("geheim-zoekwoord"))
            for token in h.tokens.values { #expect(!text.contains(token)) }
        }
    }
}

/// Log lines kept in memory (every level from `info` up).
final class CapturedLog: Sendable {
    struct Line: Sendable, CustomStringConvertible {
        var level: Logger.Level
        var message: String
        /// The handler's and the line's metadata, values as text.
        var metadata: [String: String]
        var description: String { "\(level) \(message) \(metadata)" }
    }

    private let store = Mutex<[Line]>([])

    var lines: [Line] { store.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "fabriek-test-capture") { _ in Handler(log: self) }
        logger.logLevel = .info
        return logger
    }

    fileprivate func append(_ line: Line) { store.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all: [String: String] = [:]
            for (k, v) in metadata { all[k] = "\(v)" }
            for (k, v) in event.metadata ?? [:] { all[k] = "\(v)" }
            log.append(Line(level: event.level, message: event.message.description, metadata: all))
        }
    }
}
