import Dispatch
import Foundation
import Synchronization

/// A replay for long scans: a background thread decompresses pages of blocks into a ring of
/// buffers while the caller's thread walks the events of the pages in order. When the caller
/// finds its next page not ready (decompression is the slower side: LZ4 with an external
/// dictionary costs about twice a plain walk), it decompresses the next unclaimed page itself
/// instead of waiting, so both cores stay busy; when the caller's own work is the slower side
/// (decoding payloads), it never waits and the second core is left to the producer.
///
/// With a `decode` function, whoever fills a page also decodes its events into `Decoded`
/// values (typed events): decoding, usually the larger cost of a typed replay, is then shared
/// by both threads, and the caller walks the page again only to pair each view with its value.
final class ReplayPipeline<Decoded: Sendable>: @unchecked Sendable {
    // Slot `k % slotCount` holds page `k`. It is filled by whoever claimed page `k` between
    // `free.wait()` and `filled.signal()`, and read by the caller between `filled.wait()` and
    // `free.signal()`: the semaphores order all access. Pages are claimed in order, and the
    // caller claims only pages within `slotCount` of the one it reads, so two pages held at once
    // never share a slot.
    private struct Slot {
        var buffer: UnsafeMutableRawPointer
        var capacity: Int
        var offsets: [Int] = []
        var decoded: [Decoded] = []
        var error: (any Error)?
        // Created at 0 and signalled up: libdispatch traps when a semaphore is freed below its
        // initial value.
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
    }

    static var slotCount: Int { 4 }
    static var blocksPerPage: Int { 64 }

    /// Raw storage, not an Array: the producer and the caller write different slots at once,
    /// and an Array's copy-on-write check would race.
    private let slots: UnsafeMutablePointer<Slot>
    /// The first page nobody has claimed yet.
    private let unclaimed = Atomic<Int>(0)
    private let finished = DispatchSemaphore(value: 0)
    private let stop = Atomic<Bool>(false)

    private let decode: (@Sendable (borrowing EventView) throws -> Decoded)?

    init(decode: (@Sendable (borrowing EventView) throws -> Decoded)?) {
        self.decode = decode
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

    /// Calls `body` for every event in `from...end`, decompressing ahead on another thread.
    /// For a pipeline without a `decode` function.
    func run(log: EventLog, from: UInt64, end: UInt64, _ body: (borrowing EventView) throws -> Void) throws {
        precondition(decode == nil, "a decoding pipeline passes values: use run(log:from:end:decoded:)")
        try walkPages(log: log, from: from, end: end) { i, page, segments in
            let buffer = slots[i].buffer
            for (block, offset) in zip(page, slots[i].offsets) {
                try BatchReader.walk(UnsafeRawBufferPointer(start: buffer + offset, count: Int(block.rawLength)),
                                     of: block, segmentName: segments[Int(block.segmentIndex)].name,
                                     range: from...end, body)
            }
        }
    }

    /// Calls `body` for every event in `from...end` with its decoded value, decompressing and
    /// decoding ahead on another thread. The value is passed as `Decoded`, never wrapped: in
    /// this generic code (not specialised for the caller's type) every `Optional<Decoded>` or
    /// other derived type costs a runtime metadata lookup per event.
    func run(log: EventLog, from: UInt64, end: UInt64, decoded body: (borrowing EventView, Decoded) throws -> Void) throws {
        precondition(decode != nil, "a pipeline without a decode function has no values: use run(log:from:end:_:)")
        try walkPages(log: log, from: from, end: end) { i, page, segments in
            let buffer = slots[i].buffer
            // Taken out of the slot, so that the values are released here, not by the next filler.
            var decoded: [Decoded] = []
            swap(&decoded, &slots[i].decoded)
            try decoded.withUnsafeBufferPointer { values in
                var n = 0
                for (block, offset) in zip(page, slots[i].offsets) {
                    try BatchReader.walk(UnsafeRawBufferPointer(start: buffer + offset, count: Int(block.rawLength)),
                                         of: block, segmentName: segments[Int(block.segmentIndex)].name,
                                         range: from...end) { view in
                        try body(view, values[n])
                        n += 1
                    }
                }
            }
        }
    }

    /// Runs the producer thread and hands each filled page to `visit` in order (its slot, its
    /// blocks, the segments), on the caller's thread; the slot is freed after `visit` returns.
    private func walkPages(log: EventLog, from: UInt64, end: UInt64,
                           _ visit: (Int, ArraySlice<BlockRef>, [MappedSegment]) throws -> Void) throws {
        // The blocks to read, fixed now: later commits lie beyond `end`.
        let (blocks, segments) = log.state.withLock { s -> ([BlockRef], [MappedSegment]) in
            guard let first = s.blocks.index(holding: from),
                  let last = s.blocks.index(holding: end) else { return ([], []) }
            return (Array(s.blocks[first...last]), s.segments)
        }
        let pages = (blocks.count + Self.blocksPerPage - 1) / Self.blocksPerPage
        // A thread of its own, not Dispatch's pool: the caller may itself be running on that
        // pool, blocked in `filled.wait()`, and the pool does not grow for blocked threads.
        let thread = Thread { [self] in
            produce(pages: pages, blocks: blocks, segments: segments, range: from...end)
            finished.signal()
        }
        thread.name = "fabriek-replay"
        thread.start()
        defer {
            stop.store(true, ordering: .relaxed)
            for i in 0..<Self.slotCount { slots[i].free.signal() }
            finished.wait()
        }
        for k in 0..<pages {
            let i = k % Self.slotCount
            if slots[i].filled.wait(timeout: .now()) == .timedOut {
                // Not ready: fill one unclaimed page (this one or a later one) meanwhile.
                // One only, so that the producer does not wait for slots this thread holds.
                if let j = claim(below: min(pages, k + Self.slotCount)) {
                    fill(page: j, blocks: blocks, segments: segments, range: from...end)
                }
                slots[i].filled.wait()
            }
            if let error = slots[i].error { throw error }
            try visit(i, Self.page(k, of: blocks), segments)
            slots[i].free.signal()
        }
    }

    /// Claims the next page if it is below `limit`.
    private func claim(below limit: Int) -> Int? {
        var k = unclaimed.load(ordering: .relaxed)
        while k < limit {
            let (exchanged, current) = unclaimed.compareExchange(expected: k, desired: k + 1, ordering: .relaxed)
            if exchanged { return k }
            k = current
        }
        return nil
    }

    private static func page(_ k: Int, of blocks: [BlockRef]) -> ArraySlice<BlockRef> {
        blocks[(k * blocksPerPage)..<min((k + 1) * blocksPerPage, blocks.count)]
    }

    private func produce(pages: Int, blocks: [BlockRef], segments: [MappedSegment], range: ClosedRange<UInt64>) {
        while !stop.load(ordering: .relaxed), let k = claim(below: pages) {
            if !fill(page: k, blocks: blocks, segments: segments, range: range) { return }
        }
    }

    /// Decompresses page `k` into its slot (and decodes the events of it in `range`) and marks
    /// it filled; false after an error or a stop.
    @discardableResult
    private func fill(page k: Int, blocks: [BlockRef], segments: [MappedSegment], range: ClosedRange<UInt64>) -> Bool {
        let i = k % Self.slotCount
        slots[i].free.wait()
        if stop.load(ordering: .relaxed) { return false }
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
        var error: (any Error)?
        for block in page {
            let segment = segments[Int(block.segmentIndex)]
            if !BlockDecompressor.decompress(segment.bytes(Int(block.dataOffset), Int(block.storedLength)),
                                             into: slots[i].buffer + offset, rawLength: Int(block.rawLength),
                                             dictionary: BatchReader.dictionary(for: block, in: segment)) {
                error = LogError.corruptBatch(segment: segment.name, offset: UInt64(block.dataOffset),
                                      position: block.firstPosition, reason: "block does not decompress")
                break
            }
            offsets.append(offset)
            offset += Int(block.rawLength)
        }
        if error == nil, let decode {
            var decoded: [Decoded] = []
            decoded.reserveCapacity(page.reduce(0) { $0 + Int($1.eventCount) })
            do {
                for (block, offset) in zip(page, offsets) {
                    try BatchReader.walk(UnsafeRawBufferPointer(start: slots[i].buffer + offset, count: Int(block.rawLength)),
                                         of: block, segmentName: segments[Int(block.segmentIndex)].name,
                                         range: range) { decoded.append(try decode($0)) }
                }
            } catch let e {
                error = e
            }
            slots[i].decoded = decoded
        }
        slots[i].offsets = offsets
        slots[i].error = error
        slots[i].filled.signal()
        return error == nil
    }
}
