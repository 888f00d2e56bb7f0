import EventLog
import Foundation
import Synchronization
@testable import Projections

/// A temporary data directory with a log and a projections directory, removed by `remove()`.
struct TestStore {
    let root: String
    var logDirectory: String { root + "/log" }
    var projections: String { root + "/projections" }

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("projections-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func openLog(clock: TestClock? = nil, readOnly: Bool = false) throws -> EventLog {
        var options = EventLog.Options(durability: .none, readOnly: readOnly)
        if let clock { options.clock = { clock.now() } }
        return try EventLog.open(directory: logDirectory, options: options)
    }

    func path(_ file: String) -> String { projections + "/" + file }

    func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: path(file)) }

    func remove() { try? FileManager.default.removeItem(atPath: root) }
}

/// A settable clock for lag figures.
final class TestClock: Sendable {
    private let micros: Mutex<Int64>
    init(seconds: Int64) { micros = Mutex(seconds * 1_000_000) }
    func now() -> Timestamp { Timestamp(microsecondsSinceEpoch: micros.withLock { $0 }) }
    func set(seconds: Int64) { micros.withLock { $0 = seconds * 1_000_000 } }
}

/// Appends `count` events spread over `streams` streams and cycling through `types`, in
/// appends of `perAppend` events. Returns the head.
@discardableResult
func appendEvents(_ log: EventLog, count: Int, streams: Int = 7, types: [String] = ["A", "B", "C"],
                  perAppend: Int = 250) async throws -> UInt64 {
    var done = 0
    var head: UInt64 = log.head().position
    while done < count {
        let n = min(perAppend, count - done)
        var byStream: [String: [ProposedEvent]] = [:]
        for i in done..<(done + n) {
            let k = Int(head) + i - done
            byStream["s-\(k % streams)", default: []].append(
                ProposedEvent(type: types[k % types.count], payload: Array("event \(k)".utf8)))
        }
        let appends = byStream.keys.sorted().map { StreamAppend(stream: $0, expectedVersion: .any, events: byStream[$0]!) }
        head = try await log.append(appends).head.position
        done += n
    }
    return head
}

/// Builds version 1 of `stream-counts` in the store up to `head` and stops its runner: the
/// starting point of every version-bump and interrupted-rebuild test.
func buildStreamCountsV1(_ log: EventLog, in store: TestStore, reaching head: UInt64,
                         timeout: Duration = projectionDeadline) async throws {
    let v1 = try ProjectionRunner(log: log, directory: store.projections, projectors: [StreamCountProjector()])
    v1.start()
    try await v1.waitUntil("stream-counts", reached: head, timeout: timeout)
    await v1.stop()
}

/// Events per stream and per type, counted straight from the log.
func countsInLog(_ log: EventLog) throws -> (streams: [String: Int], types: [String: Int]) {
    var streams: [String: Int] = [:], types: [String: Int] = [:]
    try log.forEachEvent(from: 1) { e in
        streams[e.stream, default: 0] += 1
        types[e.type, default: 0] += 1
    }
    return (streams, types)
}

/// What a `StreamCountProjector` file holds.
struct CountSnapshot: Sendable, Equatable {
    var checkpoint: UInt64
    var version: Int
    var streams: [String: Int]
    var types: [String: Int]
    var applied: Int
    var maxApplied: UInt64
}

func snapshot(_ runner: ProjectionRunner, _ name: String = "stream-counts", atLeast position: UInt64? = nil) async throws -> CountSnapshot {
    try await runner.read(name, atLeast: position, timeout: projectionDeadline) { db in
        let meta = try Row.fetchOne(db, sql: "SELECT position, version FROM projection_meta")!
        let applied = try Row.fetchOne(db, sql: "SELECT count(*) AS n, coalesce(max(position), 0) AS m FROM applied")!
        let checkpoint: Int64 = meta["position"]
        let maxApplied: Int64 = applied["m"]
        return CountSnapshot(checkpoint: UInt64(checkpoint), version: meta["version"],
                             streams: try StreamCountProjector.streamCounts(db),
                             types: try StreamCountProjector.typeCounts(db),
                             applied: applied["n"], maxApplied: UInt64(maxApplied))
    }
}

/// How long a test waits for a projection to reach a position: generous, because the test machine
/// may be busy with other builds. It only turns a hang into a failure; a passing test never waits
/// for it, since waiting ends as soon as the projection gets there.
let projectionDeadline: Duration = .seconds(300)
