import EventLog
import Events
import Fabriek
import FabriekServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import Projections
import Synchronization

/// A data directory with a small register (members A and B, an open tender), a runtime on it,
/// a token per role (the member token bound to A), and the application for in-process tests.
final class ServerHarness: @unchecked Sendable {
    static let memberA = UUID(uuidString: "00000000-0000-0000-0000-00000000000a")!
    static let memberB = UUID(uuidString: "00000000-0000-0000-0000-00000000000b")!
    static let tender = UUID(uuidString: "00000000-0000-0000-0000-000000007e00")!
    /// The service's fixed "now": before the tender's deadline.
    static let now: Timestamp = Timestamp(microsecondsSinceEpoch: 1_775_034_000_000_000)  // 2026-04-01T09:00:00Z

    let directory: String
    private let durability: EventLog.Durability
    /// Replaced by `restart()`.
    private(set) var runtime: ServerRuntime
    /// The logger of the application (`start(logger:)`).
    private var logger: Logger?
    /// The service's "now"; tests move it forward (past a deadline, a standstill).
    let now = SettableClock(ServerHarness.now)
    private(set) var tokens: [Role: String] = [:]
    private var server: Task<Void, any Error>?
    /// `http://127.0.0.1:PORT` once `start()` returned.
    private(set) var base = ""

    init(durability: EventLog.Durability = .none) async throws {
        directory = NSTemporaryDirectory() + "fabriek-server-\(UUID().uuidString.lowercased())"
        let layout = DataLayout(path: directory)
        let now = self.now
        self.durability = durability
        runtime = try ServerRuntime.open(layout: layout, clock: ServiceClock { now.get() }, durability: durability)
        for role in Role.allCases {
            tokens[role] = try runtime.tokens.issue(name: "test-\(role.rawValue)", role: role,
                                                    memberId: role == .member ? Self.memberA : nil)
        }
        try await seed()
    }

    /// A started harness for `body`, closed afterwards whatever `body` does.
    static func run(durability: EventLog.Durability = .none, logger: Logger? = nil,
                    _ body: (ServerHarness) async throws -> Void) async throws {
        let h = try await ServerHarness(durability: durability)
        do {
            try await h.start(logger: logger)
            try await body(h)
        } catch {
            await h.close()
            throw error
        }
        await h.close()
    }

    /// Starts the application on an ephemeral loopback port (in this process), logging to
    /// `logger` (default: warnings and worse to standard error).
    func start(logger given: Logger? = nil) async throws {
        let port = Mutex<Int?>(nil)
        var logger = given ?? self.logger ?? Logger(label: "fabriek-test")
        if given == nil && self.logger == nil { logger.logLevel = .warning }
        self.logger = logger
        let app = FabriekApplication.make(runtime: runtime, host: "127.0.0.1", port: 0, logger: logger) { bound in
            port.withLock { $0 = bound }
        }
        server = Task { try await app.runService() }
        // Generous: with the whole suite running in parallel on 2 cores, long synchronous tests
        // can hold the concurrency pool's threads for minutes before the server's task runs.
        let deadline = ContinuousClock.now + .seconds(300)
        while port.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else { throw TestFailure("the server did not start within 300 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
        base = "http://127.0.0.1:\(port.withLock { $0! })"
    }

    /// A restart in this process: the server stops, the runtime closes (log index persisted),
    /// then the same directory is opened again and served on a new port (the tokens stay).
    func restart() async throws {
        server?.cancel()
        _ = try? await server?.value
        server = nil
        try await runtime.close()
        let now = self.now
        runtime = try ServerRuntime.open(layout: DataLayout(path: directory), clock: ServiceClock { now.get() },
                                         durability: durability)
        try await start()
    }

    func close() async {
        server?.cancel()
        _ = try? await server?.value
        try? await runtime.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// One request; the response's status, headers and body.
    func call(_ method: String, _ path: String, role: Role? = nil, body: String? = nil,
              headers extra: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let role { request.setValue("Bearer \(tokens[role]!)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (k, v) in extra { request.setValue(v, forHTTPHeaderField: k) }
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (k, v) in http.allHeaderFields { headers["\(k)".lowercased()] = "\(v)" }
        return Reply(status: http.statusCode, headers: headers, body: data)
    }

    static func registration(_ id: UUID, kvk: String, name: String = "Sanne Smeets") -> String {
        """
        {"memberId": "\(id.uuidString.lowercased())", "kind": "soleTrader", "residenceCountry": "NL",
         "personal": {"legalName": "\(name)", "email": "sanne@example.nl", "phone": "+31 6 12345678"},
         "tradeName": "Groen aan de Maas", "registryIds": [{"scheme": "kvk", "value": "\(kvk)"}],
         "buurt": "Wyck", "sbiCodes": ["81300"], "joinedOn": "2026-03-01"}
        """
    }

    static let tenderBody = """
        {"tenderId": "\(tender.uuidString.lowercased())", "buyer": {"kind": "municipality", "name": "Gemeente Maastricht"},
         "title": "Groenonderhoud buurten", "description": "Snoeien en maaien", "category": "diensten", "procedure": "nationaalOpenbaar",
         "estimatedValueCents": 5000000, "mainCpv": "77310000-6",
         "lots": [{"number": 1, "title": "Groenonderhoud Wyck", "buurten": ["Wyck"], "estimatedValueCents": 2000000},
                  {"number": 2, "title": "Groenonderhoud Malberg", "buurten": ["Malberg"], "estimatedValueCents": 3000000}],
         "submissionDeadline": "2026-04-29T10:00:00Z"}
        """

    /// Members A and B and the open tender, through the API's own service.
    private func seed() async throws {
        let service = runtime.service
        for (id, kvk) in [(Self.memberA, "69599084"), (Self.memberB, "12345678")] {
            try await execute(service, body: Self.registration(id, kvk: kvk)) { j in
                let command = RegisterMember(
                    memberId: id, kind: try j.required("kind"), residenceCountry: try j.required("residenceCountry"),
                    personal: try j.required("personal"), tradeName: try j.optional("tradeName"),
                    registryIds: try j.array("registryIds"), buurt: try j.optional("buurt"), sbiCodes: try j.array("sbiCodes"),
                    joinedOn: try j.required("joinedOn"))
                _ = try await service.execute(MemberDecider.self, stream: MemberDecider.streamId(id), command: .register(command))
            }
        }
    }

    private func execute(_ service: ApplicationService, body: String, _ run: (JSONObjectReader) async throws -> Void) async throws {
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
        try await run(try JSONObjectReader(object, path: "$", context: .sealed))
    }
}

/// A response as the tests read it.
struct Reply: Sendable {
    var status: Int
    /// Lower-case names.
    var headers: [String: String]
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A clock tests move forward.
final class SettableClock: Sendable {
    private let value: Mutex<Timestamp>
    init(_ start: Timestamp) { value = Mutex(start) }
    func get() -> Timestamp { value.withLock { $0 } }
    func advance(days: Int64) { value.withLock { $0 = Timestamp(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + days * 86_400_000_000) } }
}
