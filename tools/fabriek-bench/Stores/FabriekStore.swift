import EventLog
import Foundation

/// Fabriek's log under test: one `EventLog` with default options (durability `.fsync`), event
/// type = workload type, stream = workload stream, expected version `.exact(version - 1)`,
/// payloads in `WorkloadCodec`'s binary format.
final class FabriekStore: BenchStore {
    static let name = "fabriek"
    static let concurrentEventsPerTask = 100

    let log: EventLog
    private let directory: String
    private let records: [WorkloadRecord]
    private let ids: [UUID]
    /// Reused encoding buffer; each event's payload is copied out of it at its exact size.
    private var scratch: [UInt8] = []

    private init(log: EventLog, directory: String, workload: Workload) {
        self.log = log
        self.directory = directory
        self.records = workload.records
        self.ids = workload.ids
        scratch.reserveCapacity(1024)
    }

    static func create(in directory: String, workload: Workload) throws -> FabriekStore {
        FabriekStore(log: try EventLog.open(directory: directory), directory: directory, workload: workload)
    }

    static func timeOpen(in directory: String) throws -> Double {
        let start = monotonicNanoseconds()
        let log = try EventLog.open(directory: directory)
        let ms = Double(monotonicNanoseconds() &- start) / 1e6
        blackHole(log.head())
        try log.close()
        return ms
    }

    @inline(__always)
    private func proposedEvent(_ index: Int) -> ProposedEvent {
        let event = records[index].event
        scratch.removeAll(keepingCapacity: true)
        WorkloadCodec.encode(event, into: &scratch)
        return ProposedEvent(id: ids[index], type: event.typeName, payload: Array(scratch))
    }

    func appendOne(index: Int) async throws {
        let record = records[index]
        let event = proposedEvent(index)
        _ = try await log.append(stream: record.stream, expectedVersion: .exact(record.version - 1), events: [event])
    }

    /// One `StreamAppend` per event, in workload order, each expecting `version - 1` (the log
    /// checks a stream that occurs several times in one call in order): the whole range is one
    /// atomic commit and positions follow the workload order, as in the baseline.
    func appendCommit(_ range: Range<Int>) async throws {
        var appends: [StreamAppend] = []
        appends.reserveCapacity(range.count)
        for index in range {
            let record = records[index]
            appends.append(StreamAppend(stream: record.stream, expectedVersion: .exact(record.version - 1),
                                        events: [proposedEvent(index)]))
        }
        _ = try await log.append(appends)
    }

    func replayRaw() throws -> Tally {
        var tally = Tally()
        try log.forEachEvent(from: 1) { view in
            let payload = view.payload
            tally.add(Int(truncatingIfNeeded: view.position) &+ Int(truncatingIfNeeded: view.streamVersion)
                &+ view.streamBytes.count &+ Int(view.typeBytes.first ?? 0)
                &+ payload.count &+ Int(payload.first ?? 0) &+ Int(payload.last ?? 0))
        }
        return tally
    }

    func replayTyped() throws -> Tally {
        var tally = Tally()
        try log.forEachEvent(from: 1) { view in
            guard let kind = WorkloadEventKind(utf8: view.typeBytes) else {
                throw BenchCheckError(description: "fabriek: unknown event type '\(view.type)' at position \(view.position)")
            }
            tally.add(try WorkloadCodec.decode(kind, from: view.payload).foldValue)
        }
        return tally
    }

    func loadStream(_ stream: String) throws -> Tally {
        var tally = Tally()
        for recorded in try log.readStream(stream) {
            guard let kind = WorkloadEventKind(name: recorded.type) else {
                throw BenchCheckError(description: "fabriek: unknown event type '\(recorded.type)' at position \(recorded.position)")
            }
            let event = try recorded.payload.withUnsafeBytes { try WorkloadCodec.decode(kind, from: $0) }
            tally.add(event.foldValue)
        }
        return tally
    }

    /// All files of the log directory after `close` (which persists the stream index).
    func closeAndMeasureSize() throws -> StoreSize {
        let events = Double(max(log.head().position, 1))
        try log.close()
        let total = Files.bytesUnder(directory)
        let segments = Files.bytesUnder(directory + "/segments")
        let index = Files.bytesUnder(directory + "/index")
        func perEvent(_ bytes: Int) -> String { Report.format(Double(bytes) / events, 1) }
        return StoreSize(bytes: total, detail: "segments \(perEvent(segments)) + index \(perEvent(index)) + other \(perEvent(total - segments - index)) bytes/event")
    }

    /// `tasks` child tasks of one task group, each appending to a stream of its own
    /// (`concurrent-<task>`), one event per `append` call; the log groups concurrent commits.
    static func appendConcurrently(in directory: String, workload: Workload, tasks: Int, perTask: Int) async throws -> Double {
        let log = try EventLog.open(directory: directory)
        let records = workload.records
        let ids = (0..<(tasks * perTask)).map { _ in UUID() }
        let start = monotonicNanoseconds()
        // Each task reports the commit (head position) of each of its appends: the number of
        // distinct commits shows how well concurrent appends were grouped.
        let commits = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for task in 0..<tasks {
                group.addTask {
                    let stream = "concurrent-\(task)"
                    var scratch: [UInt8] = []
                    scratch.reserveCapacity(1024)
                    var heads: [UInt64] = []
                    heads.reserveCapacity(perTask)
                    for i in 0..<perTask {
                        let n = task * perTask + i
                        let event = records[n % records.count].event
                        scratch.removeAll(keepingCapacity: true)
                        WorkloadCodec.encode(event, into: &scratch)
                        let proposed = ProposedEvent(id: ids[n], type: event.typeName, payload: Array(scratch))
                        let result = try await log.append(stream: stream, expectedVersion: .exact(UInt64(i)), events: [proposed])
                        heads.append(result.head.position)
                    }
                    return heads
                }
            }
            var all = Set<UInt64>()
            for try await heads in group { all.formUnion(heads) }
            return all.count
        }
        let seconds = secondsSince(start)
        let total = log.head().position
        try log.close()
        guard total == UInt64(tasks * perTask) else {
            throw BenchCheckError(description: "fabriek: \(total) events after the concurrent phase, expected \(tasks * perTask)")
        }
        progress("  fabriek append concurrent: \(commits) commits, \(Report.format(Double(total) / Double(commits), 1)) events per commit (fdatasync)")
        return seconds
    }
}
