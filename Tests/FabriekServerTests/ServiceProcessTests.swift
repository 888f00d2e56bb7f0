import EventLog
import Fabriek
import FabriekServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing

/// The `fabriek serve` process: it serves, and on SIGTERM stops accepting, finishes or refuses
/// the commands in flight, closes the log with its index persisted and exits 0.
@Suite(.serialized) struct ServiceProcessTests {
    @Test("given a running fabriek serve, when a command is written and SIGTERM arrives, then it exits 0 with the log closed and its index persisted")
    func gracefulShutdown() async throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let token = try TokenStore(path: DataLayout(path: dir).tokensPath).issue(name: "ops", role: .coordinator, memberId: nil)
        let server = try await ServeProcess(data: dir)

        var request = URLRequest(url: URL(string: server.base + "/api/v1/members")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(ServerHarness.registration(UUID(), kvk: "44556677").utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 201)

        #expect(try await server.stop(SIGTERM) == 0)
        let log = try EventLog.open(directory: dir + "/log", options: .init(readOnly: true))
        defer { try? log.close() }
        #expect(log.head().position == 1)
        #expect(try Self.indexCovered(dir) == log.head(), "the stream index was not persisted at close")
    }

    /// What a client saw of one command.
    enum Answer: Sendable {
        case accepted(activity: UUID, position: UInt64)
        case refused(status: Int, problem: Bool, retryAfter: Bool)
        case closed(String)
    }

    @Test("""
        given fabriek serve with many concurrent commands and an auditor following /log/events, when SIGTERM arrives \
        mid-flight, then it exits 0, every command answered 2xx is in the reopened log at its position, every other \
        one was refused with a 503 problem or a closed connection, the event stream ended, and the index covers the head
        """)
    func sigtermWithCommandsInFlight() async throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tokens = try TokenStore(path: DataLayout(path: dir).tokensPath)
        let token = try tokens.issue(name: "ops", role: .coordinator, memberId: nil)
        let auditor = try tokens.issue(name: "audit", role: .auditor, memberId: nil)
        let server = try await ServeProcess(data: dir)

        // an auditor follows the log (a response that never ends by itself)
        let stream = try RawHTTPStream(port: server.port, path: "/api/v1/log/events?from=1",
                                       headers: ["Authorization": "Bearer \(auditor)"])
        #expect(stream.read(until: ": fabriek log from 1"))
        let streamEnded = Self.onThread { stream.readToEnd() }

        let session = URLSession(configuration: .ephemeral)
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let counts = Counts()
        let workers = 32
        let answers = await withTaskGroup(of: [Answer].self) { group -> [Answer] in
            for _ in 0..<workers {
                group.addTask {
                    var mine: [Answer] = []
                    while mine.count < 400 {
                        let id = UUID()
                        var request = URLRequest(url: URL(string: server.base + "/api/v1/activities")!)
                        request.httpMethod = "POST"
                        request.timeoutInterval = 120
                        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.httpBody = Data("""
                            {"activityId": "\(id.uuidString.lowercased())", "title": "Ledenavond", "focusAreas": ["ontmoetend"],
                             "activityType": "meetup", "heldOn": "\(today)", "durationMinutes": 60, "externalAttendeeCount": 3}
                            """.utf8)
                        counts.inFlight.add(1, ordering: .relaxed)
                        let answer: Answer
                        do {
                            let (data, response) = try await session.data(for: request)
                            let http = response as! HTTPURLResponse
                            if (200..<300).contains(http.statusCode) {
                                let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                                let position = (body?["positions"] as? [Any])?.first.flatMap { ($0 as? NSNumber)?.uint64Value } ?? 0
                                answer = .accepted(activity: id, position: position)
                            } else {
                                answer = .refused(status: http.statusCode,
                                                  problem: http.value(forHTTPHeaderField: "Content-Type") == "application/problem+json",
                                                  retryAfter: http.value(forHTTPHeaderField: "Retry-After") != nil)
                            }
                        } catch {
                            answer = .closed("\(error)")
                        }
                        counts.inFlight.subtract(1, ordering: .relaxed)
                        mine.append(answer)
                        guard case .accepted = answer else { break }
                        // SIGTERM once a good number of commands went through, with the others still in flight
                        if counts.accepted.add(1, ordering: .relaxed).newValue == 150 {
                            counts.inFlightAtSignal.withLock { $0 = counts.inFlight.load(ordering: .relaxed) }
                            kill(server.process.processIdentifier, SIGTERM)
                        }
                    }
                    return mine
                }
            }
            var all: [Answer] = []
            for await some in group { all += some }
            return all
        }

        let exit = try await server.stop(SIGTERM)
        #expect(exit == 0, "fabriek serve did not exit 0 after SIGTERM")
        #expect(try #require(counts.inFlightAtSignal.withLock { $0 }, "fewer than 150 commands were accepted") > 0,
                "SIGTERM came with no command in flight")
        #expect(await streamEnded.value, "the server did not end the /log/events stream at shutdown")

        let log = try EventLog.open(directory: dir + "/log", options: .init(readOnly: true))
        defer { try? log.close() }
        var acknowledged = 0
        for answer in answers {
            switch answer {
            case let .accepted(activity, position):
                acknowledged += 1
                let events = try log.readStream(ActivityDecider.streamId(activity))
                #expect(events.map(\.position) == [position], "activity \(activity) was answered 2xx at \(position) but is not there")
            case let .refused(status, problem, retryAfter):
                #expect(status == 503 && problem && retryAfter, "a command was refused with \(status), not a 503 problem")
            case .closed:
                break
            }
        }
        #expect(acknowledged >= 150)
        // every event in the log is one of the commands sent (none written twice, none invented)
        #expect(log.head().position >= UInt64(acknowledged))
        #expect(log.head().position <= UInt64(answers.count))
        #expect(try Self.indexCovered(dir) == log.head(), "the stream index does not cover the head after SIGTERM")
    }

    /// What the clients of `sigtermWithCommandsInFlight` count together.
    final class Counts: Sendable {
        let accepted = Atomic<Int>(0)
        let inFlight = Atomic<Int>(0)
        let inFlightAtSignal = Mutex<Int?>(nil)
    }

    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "fabriek-serve-\(UUID().uuidString.lowercased())"
    }

    /// The position and chain hash the persisted stream index covers (its header, FORMAT.md
    /// "Stream index"), or nil without a file.
    static func indexCovered(_ dir: String) throws -> LogHead? {
        guard let data = FileManager.default.contents(atPath: dir + "/log/index/streams.idx"), data.count >= 128 else { return nil }
        let bytes = [UInt8](data)
        guard bytes[0..<8] == ArraySlice(Array("FABSIDX4".utf8)) else { return nil }
        let position = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[16 + $1]) << (8 * UInt64($1)) }
        guard let hash = ChainHash(bytes: Array(bytes[24..<56])) else { return nil }
        return LogHead(position: position, hash: hash)
    }

    /// Runs a blocking `body` on a thread of its own.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> Task<T, Never> {
        Task {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: body()) }
            }
        }
    }
}
