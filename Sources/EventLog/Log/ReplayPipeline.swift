import Dispatch
import Synchronization

/// A two-stage replay for long scans: a background thread decompresses pages of blocks into a
/// ring of buffers while the caller's thread walks the events of the previous page. On a
/// machine with two or more cores this roughly halves the cost of a full replay, which is
/// dominated by LZ4 decompression.
final class ReplayPipeline: @unchecked Sendable {
    // Each slot is written by the producer between `free.wait()` and `filled.signal()`, and read by
    // the consumer between `filled.wait()` and `free.signal()`: the semaphores order all access.
    private struct Slot {
        var buffer: UnsafeMutableRawPointer
        var capacity: Int
        var blocks: [BlockRef] = []
        var offsets: [Int] = []
        var segments: [MappedSegment] = []
        var error: LogError?
        var isEnd = false
    }

    static let slotCount = 3
    static let blocksPerPage = 64

    private var slots: [Slot]
    // Created at 0 and signalled up: libdispatch traps when a semaphore is freed below its
    // initial value.
    private let free = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stop = Atomic<Bool>(false)

    init() {
        slots = (0..<Self.slotCount).map { _ in
            Slot(buffer: .allocate(byteCount: 1 << 20, alignment: 16), capacity: 1 << 20)
        }
        for _ in 0..<Self.slotCount { free.signal() }
    }

    deinit { for s in slots { s.buffer.deallocate() } }

    /// Calls `body` for every event in `from...end`, decompressing ahead on another thread.
    func run(log: EventLog, from: UInt64, end: UInt64, _ body: (borrowing EventView) throws -> Void) throws {
        DispatchQueue.global().async { [self] in
            produce(log: log, from: from, end: end)
            finished.signal()
        }
        defer {
            stop.store(true, ordering: .relaxed)
            for _ in 0..<Self.slotCount { free.signal() }
            finished.wait()
        }
        var k = 0
        while true {
            filled.wait()
            let i = k % Self.slotCount
            if slots[i].isEnd { return }
            if let error = slots[i].error { throw error }
            let slot = slots[i]
            for (block, offset) in zip(slot.blocks, slot.offsets) {
                try BatchReader.walk(UnsafeRawBufferPointer(start: slot.buffer + offset, count: Int(block.rawLength)),
                                     of: block, segmentName: slot.segments[Int(block.segmentIndex)].name,
                                     range: from...end, body)
                if block.lastPosition >= end { return }
            }
            free.signal()
            k += 1
        }
    }

    private func produce(log: EventLog, from: UInt64, end: UInt64) {
        var next = from
        var k = 0
        defer {
            // Mark the end in the next slot.
            free.wait()
            slots[k % Self.slotCount].isEnd = true
            filled.signal()
        }
        while next <= end && !stop.load(ordering: .relaxed) {
            let (page, segments) = log.state.withLock { s -> ([BlockRef], [MappedSegment]) in
                guard let i = s.blocks.blockIndex(containing: next) else { return ([], []) }
                return (Array(s.blocks[i..<min(i + Self.blocksPerPage, s.blocks.count)]), s.segments)
            }
            if page.isEmpty { return }
            free.wait()
            if stop.load(ordering: .relaxed) { free.signal(); return }
            let i = k % Self.slotCount
            let total = page.reduce(0) { $0 + Int($1.rawLength) }
            if total > slots[i].capacity {
                slots[i].buffer.deallocate()
                slots[i].capacity = total
                slots[i].buffer = .allocate(byteCount: total, alignment: 16)
            }
            var offsets: [Int] = []
            offsets.reserveCapacity(page.count)
            var offset = 0
            var error: LogError?
            for block in page {
                let segment = segments[Int(block.segmentIndex)]
                if !BlockDecompressor.decompress(segment.bytes(Int(block.dataOffset), Int(block.storedLength)),
                                                 into: slots[i].buffer + offset, rawLength: Int(block.rawLength),
                                                 dictionary: BatchReader.dictionary(for: block, in: segment)) {
                    error = .corruptBatch(segment: segment.name, offset: UInt64(block.dataOffset),
                                          position: block.firstPosition, reason: "block does not decompress")
                    break
                }
                offsets.append(offset)
                offset += Int(block.rawLength)
            }
            slots[i].blocks = error == nil ? page : []
            slots[i].offsets = offsets
            slots[i].segments = segments
            slots[i].error = error
            slots[i].isEnd = false
            filled.signal()
            k += 1
            if error != nil { return }
            next = page[page.count - 1].lastPosition + 1
        }
    }
}
