/// The benchmark's phases, selectable with `--phases`.
enum Phase: String, CaseIterable, Sendable {
    /// Raw 4 KiB append + fdatasync loop (top-level `fdatasync_eps`), and the same into a
    /// pre-zeroed file (`fdatasync_prezeroed_eps`, informational).
    case fsync
    /// The first 2,000 events, one durable commit each.
    case single
    /// All events, 1,000 per durable commit. Replay, rebuild, load, size and open run on this store, so
    /// selecting any of them loads it too.
    case batch
    /// Raw and typed replay of all events (median of `--replay-runs`, default 3; a single run
    /// when it takes over 5 s).
    case replay
    /// The workload read model rebuilt from the batch-loaded store into a new SQLite file, 1,000
    /// events per transaction with the checkpoint (`rebuild_eps`, top-level `readmodel_digest`).
    case rebuild
    /// 2,000 streams spread over all, p50/p99; the longest stream 20 times.
    case load
    /// Bytes on disk per event after the batch load.
    case size
    /// Opening the batch-loaded store (median of 5).
    case open
    /// 64 concurrent appenders, one durable commit per event.
    case concurrent
    /// A log of Fabriek's own domain events (as many as the workload), replayed into typed
    /// `DomainEvent`s (top-level `domain_replay_typed_eps`, `domain_bytes_per_event`).
    case domain
    /// The batch-loaded log opened by a writer in a process of its own (`--probe-open`, 3 runs):
    /// open, first append after open, writer memory, background chain check (`fabriek.scale`).
    case scale
}

/// Drives a store through the selected phases, each from an empty store, and checks what the
/// reads return against the workload. `Bench` runs each group of phases for every store before
/// the next group, so that both stores meet similar machine conditions.
struct PhaseRunner {
    var workload: Workload
    var phases: Set<Phase>
    /// Scratch directory; each phase's store lives in `<directory>/<store>-<phase>`.
    var directory: String
    /// `gen_workload.py`; `readmodel_digest.py` is next to it.
    var generator = "../shared/bench/gen_workload.py"
    /// Leave the stores on disk after their phases.
    var keepStores = false
    /// Full replays per replay phase.
    var replayRuns = 3

    static let singleEvents = 2_000
    static let batchSize = 1_000
    static let loadStreams = 2_000
    static let longestStreamReads = 20
    static let openRuns = 5
    static let concurrentAppenders = 64

    /// Append single: the first 2,000 events, one durable commit each, into an empty store.
    func appendSingle<Store: BenchStore>(_: Store.Type, into figures: inout StoreFigures) async throws {
        guard phases.contains(.single) else { return }
        let name = Store.name
        let dir = try freshDirectory(name, "single")
        let store = try Store.create(in: dir, workload: workload)
        let n = min(Self.singleEvents, workload.count)
        let timer = PhaseTimer()
        for index in 0..<n { try await store.appendOne(index: index) }
        let seconds = timer.wallSeconds
        let cpu = timer.cpuDescription
        _ = try store.closeAndMeasureSize()
        figures.appendSingleEPS = Double(n) / seconds
        report(name, "append single", "\(n) events in \(ms(seconds)) ms, \(cpu)", figures.appendSingleEPS)
        removeStore(dir)
    }

    /// Append batch into an empty store, then on that store: replay, load, size, open (each when
    /// selected; selecting any of them runs the batch load).
    func batchAndReads<Store: BenchStore>(_: Store.Type, into figures: inout StoreFigures) async throws {
        guard !phases.isDisjoint(with: [.batch, .replay, .rebuild, .load, .size, .open, .scale]) else { return }
        let name = Store.name
        let count = workload.count
        let dir = try freshDirectory(name, "batch")
        let store = try Store.create(in: dir, workload: workload)
        let timer = PhaseTimer()
        var next = 0
        while next < count {
            let end = min(next + Self.batchSize, count)
            try await store.appendCommit(next..<end)
            next = end
        }
        let seconds = timer.wallSeconds
        let cpu = timer.cpuDescription
        figures.appendBatchEPS = Double(count) / seconds
        report(name, "append batch", "\(count) events in \(ms(seconds)) ms, \(cpu)", figures.appendBatchEPS)

        if phases.contains(.replay) {
            figures.replayRawEPS = try replay(name, "replay raw") { try store.replayRaw() }
            figures.replayTypedEPS = try replay(name, "replay typed") { try store.replayTyped() }
        }
        if phases.contains(.rebuild) {
            try await rebuild(store, into: &figures)
        }
        if phases.contains(.load) {
            try load(store, into: &figures)
        }
        let size = try store.closeAndMeasureSize()
        if phases.contains(.size) {
            figures.bytesPerEvent = Double(size.bytes) / Double(count)
            report(name, "size", "\(size.bytes) bytes on disk (\(size.detail))", nil,
                   unit: "\(Report.format(figures.bytesPerEvent!, 1)) bytes/event")
        }
        if phases.contains(.open) {
            var samples: [Double] = []
            for _ in 0..<Self.openRuns { samples.append(try Store.timeOpen(in: dir)) }
            samples.sort()
            figures.openMilliseconds = samples[samples.count / 2]
            report(name, "open", "runs \(samples.map { Report.format($0, 2) }.joined(separator: ", ")) ms", nil,
                   unit: "median \(Report.format(figures.openMilliseconds!, 2)) ms")
        }
        if phases.contains(.scale) && Store.self == FabriekStore.self {
            try scale(directory: dir, into: &figures)
        }
        removeStore(dir)
    }

    /// 64 concurrent appenders, one durable commit per event, into an empty store.
    func appendConcurrent<Store: BenchStore>(_: Store.Type, into figures: inout StoreFigures) async throws {
        guard phases.contains(.concurrent) else { return }
        let name = Store.name
        let dir = try freshDirectory(name, "concurrent")
        let perTask = Store.concurrentEventsPerTask
        let total = Self.concurrentAppenders * perTask
        let timer = PhaseTimer()
        let seconds = try await Store.appendConcurrently(in: dir, workload: workload,
                                                         tasks: Self.concurrentAppenders, perTask: perTask)
        let cpu = timer.cpuDescription
        figures.appendConcurrentEPS = Double(total) / seconds
        report(name, "append concurrent", "\(Self.concurrentAppenders) appenders × \(perTask) events in \(ms(seconds)) ms, \(cpu) incl. setup",
               figures.appendConcurrentEPS)
        removeStore(dir)
    }

    /// Median rate of `replayRuns` full replays (stopping after one that takes over 5 s); each must
    /// see every event once.
    private func replay(_ name: String, _ phase: String, _ body: () throws -> Tally) throws -> Double {
        var rates: [Double] = []
        var cpuRates: [Double] = []
        for _ in 0..<replayRuns {
            let timer = PhaseTimer()
            let tally = try body()
            let seconds = timer.wallSeconds
            cpuRates.append(Double(tally.events) / max(timer.cpuSeconds, 1e-9))
            guard tally.events == workload.count else {
                throw BenchCheckError(description: "\(name) \(phase): read \(tally.events) events, expected \(workload.count)")
            }
            blackHole(tally)
            rates.append(Double(tally.events) / seconds)
            if seconds > 5 { break }
        }
        rates.sort()
        cpuRates.sort()
        let median = rates[rates.count / 2]
        report(name, phase, "\(workload.count) events × \(rates.count), per cpu-second \(Report.format(cpuRates[cpuRates.count / 2], 0)) ev/s,", median, unit: "median")
        return median
    }

    /// Times each stream read + fold, and checks it against the fold of the workload's events.
    private func load<Store: BenchStore>(_ store: Store, into figures: inout StoreFigures) throws {
        let streams = workload.spreadStreams(Self.loadStreams)
        let expected = expectedTallies(Set(streams + [workload.longestStream]))
        var samples = LatencySamples()
        for stream in streams {
            let start = monotonicNanoseconds()
            let tally = try store.loadStream(stream)
            samples.record(nanoseconds: monotonicNanoseconds() &- start)
            try check(Store.name, stream, tally, expected[stream]!)
        }
        var longest = LatencySamples()
        for _ in 0..<Self.longestStreamReads {
            let start = monotonicNanoseconds()
            let tally = try store.loadStream(workload.longestStream)
            longest.record(nanoseconds: monotonicNanoseconds() &- start)
            try check(Store.name, workload.longestStream, tally, expected[workload.longestStream]!)
        }
        figures.loadP50Microseconds = samples.percentile(0.50)
        figures.loadP99Microseconds = samples.percentile(0.99)
        figures.loadLongestMeanMicroseconds = longest.mean
        progress("  \(Store.name) load: \(streams.count) streams p50 \(Report.format(figures.loadP50Microseconds ?? 0, 1)) µs, p99 \(Report.format(figures.loadP99Microseconds ?? 0, 1)) µs; longest (\(workload.streamLengths[workload.longestStream] ?? 0) events) mean \(Report.format(longest.mean ?? 0, 1)) µs")
    }

    /// The tally a correct stream read produces: the stream's events folded in version order.
    private func expectedTallies(_ streams: Set<String>) -> [String: Tally] {
        var out: [String: Tally] = [:]
        for record in workload.records where streams.contains(record.stream) {
            out[record.stream, default: Tally()].add(record.event.foldValue)
        }
        return out
    }

    private func check(_ name: String, _ stream: String, _ got: Tally, _ expected: Tally) throws {
        guard got == expected else {
            throw BenchCheckError(description: "\(name) load: stream \(stream) read back as \(got.events) events (checksum \(got.checksum)), expected \(expected.events) (checksum \(expected.checksum))")
        }
    }

    func removeStore(_ dir: String) {
        if !keepStores { Files.remove(dir) }
    }

    /// An empty directory for a store, after flushing what earlier phases left to write back.
    func freshDirectory(_ store: String, _ phase: String) throws -> String {
        let dir = "\(directory)/\(store)-\(phase)"
        try Files.freshDirectory(dir)
        Files.settle()
        return dir
    }

    func report(_ name: String, _ phase: String, _ detail: String, _ rate: Double?, unit: String = "") {
        let figure = rate.map { "\(Report.format($0, 0)) ev/s" } ?? ""
        progress("  \(name) \(phase): \(detail) \(unit.isEmpty ? "" : unit + " ")\(figure)")
    }

    func ms(_ seconds: Double) -> String { Report.format(seconds * 1000, 0) }
}
