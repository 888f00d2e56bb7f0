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
/// values (typed events) and keeps each event's view beside its value: decoding, usually the
/// larger cost of a typed replay, is then shared by both threads, and the caller only hands on
/// the stored pairs. Values are released by the thread that made them, the next time it fills
/// the same slot: freeing on the other thread made the two threads contend for malloc's arena
/// lock (a third of a typed replay's samples went to malloc, free and that lock's futex).
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
        /// With a `decode` function: per filling thread (0 the producer, 1 the caller), the
        /// values it decoded the last time it filled this slot; `current` is the page's.
        var stores: UnsafeMutablePointer<ValueStore>
        var current = 0
        var error: (any Error)?
        // Created at 0 and signalled up: libdispatch traps when a semaphore is freed below its
        // initial value.
        let free = DispatchSemaphore(value: 0)
        let filled = DispatchSemaphore(value: 0)
    }

    /// Decoded values and the views of their events (pointing into the slot's buffer), `count`
    /// of each, in storage kept from page to page: a page's arrays were allocated and freed
    /// each time, and their tens of kilobytes made malloc consolidate its free lists.
    private struct ValueStore {
        var views = UnsafeMutablePointer<EventView>.allocate(capacity: 0)
        var values = UnsafeMutablePointer<Decoded>.allocate(capacity: 0)
        var capacity = 0
        var count = 0

        /// Makes room for `events` values and returns how many of the old ones are still held
        /// (at the start of `values`; `count` is 0 after it). Those are released one by one by
        /// `fill`, each just before the new value in its place is decoded: released all at
        /// once, a page's thousands of small blocks overflowed malloc's per-thread cache into
        /// its slower free lists, and so did the new values' allocations after them (~1,100
        /// instructions per event in malloc and free, callgrind). When the storage must grow,
        /// the old values are released here.
        mutating func reserve(_ events: Int) -> Int {
            let held = count
            count = 0
            guard events > capacity else { return held }
            values.deinitialize(count: held)
            values.deallocate()
            views.deallocate()
            capacity = Swift.max(events, 2 * capacity)
            values = .allocate(capacity: capacity)
            views = .allocate(capacity: capacity)
            return 0
        }

        func free() {
            values.deinitialize(count: count)
            values.deallocate()
            views.deallocate()
        }
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
            (slots + i).initialize(to: Slot(buffer: .allocate(byteCount: 1 << 20, alignment: 16), capacity: 1 << 20,
                                            stores: .allocate(capacity: 2)))
            for t in 0..<2 { (slots[i].stores + t).initialize(to: ValueStore()) }
            slots[i].free.signal()
        }
    }

    deinit {
        for i in 0..<Self.slotCount {
            slots[i].buffer.deallocate()
            for t in 0..<2 { slots[i].stores[t].free() }
            slots[i].stores.deinitialize(count: 2)
            slots[i].stores.deallocate()
        }
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
        try walkPages(log: log, from: from, end: end) { i, _, _ in
            // The page's views were stored when it was filled: no second walk of its blocks.
            let store = slots[i].stores[slots[i].current]
            for j in 0..<store.count { try body(store.views[j], store.values[j]) }
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
        let dropsPassedPages = !log.options.keepScannedSegmentsResident
        var behind = ReadBehind(startingAt: Int(blocks.first?.segmentIndex ?? 0))
        for k in 0..<pages {
            let i = k % Self.slotCount
            if slots[i].filled.wait(timeout: .now()) == .timedOut {
                // Not ready: fill one unclaimed page (this one or a later one) meanwhile.
                // One only, so that the producer does not wait for slots this thread holds.
                if let j = claim(below: min(pages, k + Self.slotCount)) {
                    fill(page: j, blocks: blocks, segments: segments, range: from...end, filler: 1)
                }
                slots[i].filled.wait()
            }
            // The events of the page before an error are passed on first.
            let page = Self.page(k, of: blocks)
            try visit(i, page, segments)
            if let error = slots[i].error { throw error }
            slots[i].free.signal()
            // Pages are visited in order, and no later page reads before this one's first block.
            if dropsPassedPages, let first = page.first {
                behind.reached(Int(first.dataOffset), ofSegment: Int(first.segmentIndex), in: segments)
            }
        }
        if dropsPassedPages, let last = blocks.last {
            behind.finish(atSegment: Int(last.segmentIndex), in: segments)
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
            if !fill(page: k, blocks: blocks, segments: segments, range: range, filler: 0) { return }
        }
    }

    /// Decompresses page `k` into its slot (and decodes the events of it in `range`) and marks
    /// it filled; false after an error or a stop.
    @discardableResult
    private func fill(page k: Int, blocks: [BlockRef], segments: [MappedSegment], range: ClosedRange<UInt64>,
                      filler: Int) -> Bool {
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
        if let decode {
            let store = slots[i].stores + filler
            let held = store.pointee.reserve(page.reduce(0) { $0 + Int($1.eventCount) })
            slots[i].current = filler
            let views = store.pointee.views
            let values = store.pointee.values
            var n = 0
            // Old values 0..<released are released; n <= released once n < held.
            var released = 0
            do {
                for (block, offset) in zip(page, offsets) {
                    try BatchReader.walk(UnsafeRawBufferPointer(start: slots[i].buffer + offset, count: Int(block.rawLength)),
                                         of: block, segmentName: segments[Int(block.segmentIndex)].name,
                                         range: range) { view in
                        if n < held {
                            (values + n).deinitialize(count: 1)
                            released = n + 1
                        }
                        (values + n).initialize(to: try decode(view))
                        (views + n).initialize(to: copy view)
                        n += 1
                    }
                }
            } catch let e {
                if error == nil { error = e }
            }
            if released < held { (values + released).deinitialize(count: held - released) }
            store.pointee.count = n
        }
        slots[i].offsets = offsets
        slots[i].error = error
        slots[i].filled.signal()
        return error == nil
    }
}
