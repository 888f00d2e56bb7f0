import Dispatch
import Foundation
import Synchronization

/// A replay for long scans: two background threads decompress pages of blocks into a ring of
/// buffers (one takes the even pages, the other the odd ones) while the caller's thread walks
/// the events of the pages in order. LZ4 decompression costs about twice the walk, so on a
/// two-core machine the three threads keep both cores busy.
final class ReplayPipeline: @unchecked Sendable {
    // Slot `k % slotCount` holds page `k`. It is written by the page's producer between
    // `free.wait()` and `filled.signal()`, and read by the consumer between `filled.wait()` and
    // `free.signal()`: the semaphores order all access.
    private struct Slot {
        var buffer: UnsafeMutableRawPointer
        var capacity: Int
        var offsets: [Int] = []
        var error: LogError?
        // Created at 0 and signalled up: libdispatch traps when a semaphore is freed below its
        // initial value.
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
    }

    static let slotCount = 4
    static let producerCount = 2
    static let blocksPerPage = 64

    /// Raw storage, not an Array: producers write different slots at once, and an Array's
    /// copy-on-write check would race.
    private let slots: UnsafeMutablePointer<Slot>
    private let finished = DispatchSemaphore(value: 0)
    private let stop = Atomic<Bool>(false)

    init() {
        slots = .allocate(capacity: Self.slotCount)
        for i in 0..<Self.slotCount {
            (slots + i).initialize(to: Slot(buffer: .allocate(byteCount: 1 << 20, alignment: 16), capacity: 1 << 20))
            slots[i].free.signal()
        }
    }

    deinit {
        for i in 0..<Self.slotCount { slots[i].buffer.deallocate() }
        slots.deinitialize(count: Self.slotCount)
        slots.deallocate()
    }

    /// Calls `body` for every event in `from...end`, decompressing ahead on other threads.
    func run(log: EventLog, from: UInt64, end: UInt64, _ body: (borrowing EventView) throws -> Void) throws {
        // The blocks to read, fixed now: later commits lie beyond `end`.
        let (blocks, segments) = log.state.withLock { s -> ([BlockRef], [MappedSegment]) in
            guard let first = s.blocks.blockIndex(containing: from),
                  let last = s.blocks.blockIndex(containing: end) else { return ([], []) }
            return (Array(s.blocks[first...last]), s.segments)
        }
        let pages = (blocks.count + Self.blocksPerPage - 1) / Self.blocksPerPage
        // Threads of their own, not Dispatch's pool: the caller may itself be running on that
        // pool, blocked in `filled.wait()`, and the pool does not grow for blocked threads.
        for p in 0..<Self.producerCount {
            let thread = Thread { [self] in
                produce(pages: stride(from: p, to: pages, by: Self.producerCount), blocks: blocks, segments: segments)
                finished.signal()
            }
            thread.name = "fabriek-replay-\(p)"
            thread.start()
        }
        defer {
            stop.store(true, ordering: .relaxed)
            for i in 0..<Self.slotCount { for _ in 0..<Self.producerCount { slots[i].free.signal() } }
            for _ in 0..<Self.producerCount { finished.wait() }
        }
        for k in 0..<pages {
            slots[k % Self.slotCount].filled.wait()
            let slot = slots[k % Self.slotCount]
            if let error = slot.error { throw error }
            let page = Self.page(k, of: blocks)
            for (block, offset) in zip(page, slot.offsets) {
                try BatchReader.walk(UnsafeRawBufferPointer(start: slot.buffer + offset, count: Int(block.rawLength)),
                                     of: block, segmentName: segments[Int(block.segmentIndex)].name,
                                     range: from...end, body)
            }
            slot.free.signal()
        }
    }

    private static func page(_ k: Int, of blocks: [BlockRef]) -> ArraySlice<BlockRef> {
        blocks[(k * blocksPerPage)..<min((k + 1) * blocksPerPage, blocks.count)]
    }

    private func produce(pages: StrideTo<Int>, blocks: [BlockRef], segments: [MappedSegment]) {
        for k in pages {
            let i = k % Self.slotCount
            slots[i].free.wait()
            if stop.load(ordering: .relaxed) { return }
            let page = Self.page(k, of: blocks)
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
            slots[i].offsets = offsets
            slots[i].error = error
            slots[i].filled.signal()
            if error != nil { return }
        }
    }
}
