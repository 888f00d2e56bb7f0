import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The single writer: a dedicated thread that takes every append queued since its last commit,
/// checks expected versions and idempotency in order, encodes all accepted events into one
/// batch, writes it with one `pwrite` and makes it durable with one `fdatasync` (group commit),
/// then publishes it to readers and resumes the callers.
///
/// Everything below `// Writer-thread state` is touched only by that thread; the queue is
/// guarded by `condition`. Hence `@unchecked Sendable`.
///
/// The concerns live in one file each: the queue and thread (here), one group commit
/// (`+Commit`), checking an append (`+Plan`), idempotency (`+Idempotency`), encoding and
/// compressing a batch (`+Encode`), the LZ4 dictionary (`+Dictionary`), the durable write and
/// publishing (`+Write`), segments (`+Segments`), and the stream index checkpoint
/// (`+IndexCheckpoint`).
final class LogWriter: @unchecked Sendable {
    static let blockTarget = 4096
    /// A dictionary is refreshed after this much content, or after as much as the segment holds
    /// when that is more (and at most after `dictionaryRefreshMaximum`): each refresh costs
    /// 64 KiB, a stale dictionary costs ~10% on every event.
    static let dictionaryRefreshMinimum = 1 << 20
    static let dictionaryRefreshMaximum = 16 << 20
    /// Room mapped beyond the segment size, so a commit that overshoots it needs no remap.
    static let mappingSlack = 4 << 20
    static let indexCheckpointEvents = 2_000_000

    let condition = NSCondition()
    var queue: [AppendRequest] = []
    var stopping = false
    var running = false
    let finished = DispatchSemaphore(value: 0)
    weak var log: EventLog?

    // Writer-thread state
    let options: EventLog.Options
    var fd: Int32
    var segmentIndex: Int
    var segmentNumber: UInt32
    var segmentPath: String
    var writeOffset: Int
    var batchesInSegment: Int
    let compressor = BlockCompressor()
    var dictionary: [UInt8]
    var dictionaryOffset: UInt32
    var recent: [UInt8] = []
    var contentSinceDictionary = 0
    var blockEncoder = BlockEncoder()
    var eventIDs = EventIDIndex()
    /// The index checkpoint running or done but not adopted yet.
    var checkpoint: IndexCheckpoint?

    init(recovered: Recovery.Result, options: EventLog.Options) throws {
        self.options = options
        let s = recovered.state
        let segment = s.segments[s.segments.count - 1]
        segmentIndex = s.segments.count - 1
        segmentNumber = segment.number
        segmentPath = segment.path
        writeOffset = s.segmentLengths[segmentIndex]
        let lastIndex = s.segments.count - 1
        batchesInSegment = s.batches.last.map { Int($0.segmentIndex) == lastIndex ? 1 : 0 } ?? 0
        fd = try FileIO.open(segment.path, O_RDWR)
        dictionary = recovered.dictionary
        dictionaryOffset = recovered.dictionaryOffset
        recent = recovered.dictionary
        dictionary.withUnsafeBytes { compressor.setDictionary($0) }
    }

    deinit { FileIO.close(fd) }

    func start(log: EventLog) {
        self.log = log
        running = true
        let thread = Thread { [self] in self.run() }
        thread.name = "fabriek-log-writer"
        thread.start()
    }

    func enqueue(_ request: AppendRequest) {
        enqueue([request])
    }

    /// Queues `requests` in order, as one step (nothing else lands between them).
    func enqueue(_ requests: [AppendRequest]) {
        condition.lock()
        if stopping {
            condition.unlock()
            for r in requests { r.continuation.resume(throwing: LogError.closed) }
            return
        }
        queue.append(contentsOf: requests)
        condition.signal()
        condition.unlock()
    }

    /// Queues `request` unless the writer is stopping (then returns false and never answers it).
    func enqueueIfRunning(_ request: AppendRequest) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopping { return false }
        queue.append(request)
        condition.signal()
        return true
    }

    /// Commits what is queued, then ends the thread and waits for it, and for an index
    /// checkpoint in flight (cancelled).
    func stop() {
        condition.lock()
        let wasRunning = running
        stopping = true
        running = false
        condition.signal()
        condition.unlock()
        if wasRunning && Thread.current.name != "fabriek-log-writer" { finished.wait() }
        // The thread has ended (or this is it): its state is ours.
        cancelCheckpoint()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            let stop = stopping && batch.isEmpty
            condition.unlock()
            if stop { break }
            guard let log else {
                for r in batch { Self.answer(r, throwing: LogError.closed) }
                continue
            }
            // Requests of `appendCommits` each form a commit of their own; the others queued
            // between them share one (group commit).
            var rest = batch[...]
            while let first = rest.first {
                if first.separate {
                    if first.stillWanted?() ?? true {
                        commit([first], log: log)
                    } else {
                        first.continuation.resume(throwing: LogError.invalidAppend(
                            field: "commits", rule: "not attempted: an earlier commit of the same appendCommits call failed"))
                    }
                    rest = rest.dropFirst()
                } else {
                    let end = rest.firstIndex { $0.separate } ?? rest.endIndex
                    commit(Array(rest[..<end]), log: log)
                    rest = rest[end...]
                }
            }
        }
        finished.signal()
    }
}
