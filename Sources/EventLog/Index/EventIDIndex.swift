import CCRC32C
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every event id of the log, so that an append can tell ids stored anywhere in the log (a
/// retry) from new ones. A hit is only a candidate; the writer confirms it by comparing the
/// stored id, so the answer is exact.
///
/// Owned by the writer thread. Two parts: the persisted file (`EventIDIndexFile`, mapped) for
/// positions `1...base`, and in memory, for the positions after it, a 32-bit fingerprint per
/// position and an open-addressing table from fingerprint to positions (~15-27 bytes per event).
/// Loaded on first use after open: the file when it is sound and matches this log's chain, then
/// the ids after its coverage, read from the segments (all of them when there is no usable
/// file). Ids of events accepted into the group being written are added when planned; a failed
/// write invalidates the index, and the next use loads it again from what is committed. The
/// writer saves the file at close, and when the memory part grows large, a checkpoint saves it
/// on a thread of its own (`IndexCheckpoint`), which the writer then adopts (`adopt`).
struct EventIDIndex {
    /// The persisted part: positions `1...base`.
    private(set) var file: EventIDIndexFile? {
        didSet { fileTable = file?.table }
    }
    /// `file`'s table: lookups read it without reference counting.
    private var fileTable: EventIDIndexFile.Table?
    private(set) var base: UInt64 = 0
    /// `fingerprints[p - base - 1]` is the fingerprint of the event at position `p`.
    private(set) var fingerprints: [UInt32] = []
    /// Per in-memory event, its fingerprint (high 32 bits) and its position minus `base` (low
    /// 32 bits, ≥ 1; 0: empty slot), placed by fingerprint with linear probing: a probe compares
    /// the fingerprint without a second cache miss into `fingerprints`.
    private var slots: [UInt64] = []
    private var mask = 0
    private(set) var isLoaded = false
    /// Changes whenever the index is dropped (and so loaded again): a checkpoint taken from it
    /// before then is not adopted.
    private(set) var generation: UInt64 = 0
    /// Why the file found at the last load was not used (nil: used, or there was none).
    private(set) var fileProblem: String?

    /// The positions indexed: 1...count.
    var count: UInt64 { base + UInt64(fingerprints.count) }

    /// Events indexed only in memory.
    var inMemoryEvents: Int { fingerprints.count }

    static func fingerprint(_ id: UUID) -> UInt32 {
        withUnsafeBytes(of: id.uuid) { raw in
            let hi = raw.loadUnaligned(as: UInt64.self)
            let lo = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            return UInt32(truncatingIfNeeded: IndexHashing.mix(hi ^ IndexHashing.mix(lo)) >> 32)
        }
    }

    /// Indexes every committed event of `state`: from the file at `filePath` when it is sound
    /// and its covered position and hash are a commit end of the state's chain, then from the
    /// segments. Stays unloaded when the segments cannot be read.
    mutating func load(from state: LogState, filePath: String) throws {
        invalidate()
        let head = state.head.position
        let (f, problem) = EventIDIndexFile.openMatching(path: filePath, state: state)
        fileProblem = problem
        if let f {
            file = f
            base = f.coveredPosition
        }
        fingerprints.reserveCapacity(Int(head - base))
        grow(to: Int(head - base))
        isLoaded = true
        guard head > base else { return }
        do {
            try BatchReader.forEachEvent(in: state, from: base + 1, through: head) { view in
                insert(view.id, position: view.position)
            }
        } catch {
            invalidate()
            throw error
        }
    }

    /// Forgets everything; the next `load` rebuilds.
    mutating func invalidate() {
        generation &+= 1
        file = nil
        base = 0
        fingerprints = []
        slots = []
        mask = 0
        isLoaded = false
    }

    /// Adds the event at `position`, which must be the next one (`count + 1`).
    mutating func insert(_ id: UUID, position: UInt64) {
        precondition(position == count + 1, "event ids are indexed in position order")
        let fp = Self.fingerprint(id)
        fingerprints.append(fp)
        if fingerprints.count * 10 > slots.count * 7 { grow(to: fingerprints.count) }
        place(position, fp)
    }

    /// Calls `body` with the positions of each entry whose fingerprint equals `id`'s (a run of
    /// positions for a granule of the file, one position in memory), until it returns the
    /// position that holds `id`; returns that position.
    func firstPosition(of id: UUID, where body: (ClosedRange<UInt64>) throws -> UInt64?) rethrows -> UInt64? {
        let fp = Self.fingerprint(id)
        if let fileTable, let p = try fileTable.firstPosition(fingerprint: fp >> 4, where: body) { return p }
        guard !slots.isEmpty else { return nil }
        var i = Int(fp) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { return nil }
            if UInt32(truncatingIfNeeded: slot >> 32) == fp {
                let p = base + (slot & 0xFFFF_FFFF)
                if let found = try body(p...p) { return found }
            }
            i = (i + 1) & mask
        }
    }

    /// The first step of looking `id` up ahead of time (see `StreamIndex.prefetch`): starts
    /// loading its slot in memory and its file bucket-table entry. `prefetchDeeper` a little
    /// later, then `firstPosition` or `insert`.
    @inline(__always)
    func prefetch(_ id: UUID) {
        let fp = Self.fingerprint(id)
        slots.withUnsafeBufferPointer { slots in
            if let start = slots.baseAddress, !slots.isEmpty { fabriek_prefetch(start + (Int(fp) & mask)) }
        }
        if let fileTable { fileTable.prefetchBucket(fingerprint: fp >> 4) }
    }

    /// Starts loading `id`'s slot in memory only (ahead of `insert`).
    @inline(__always)
    func prefetchSlot(_ id: UUID) {
        let fp = Self.fingerprint(id)
        slots.withUnsafeBufferPointer { slots in
            if let start = slots.baseAddress, !slots.isEmpty { fabriek_prefetch(start + (Int(fp) & mask)) }
        }
    }

    /// The second step: starts loading the file's entries a lookup of `id` reads.
    @inline(__always)
    func prefetchDeeper(_ id: UUID) {
        if let fileTable { fileTable.prefetchEntries(fingerprint: Self.fingerprint(id) >> 4) }
    }

    /// `file` in place of the in-memory positions it covers: a checkpoint written from a copy
    /// of this index (`file`, `base`, `fingerprints`) while the writer went on inserting. The
    /// file must cover positions `1...p` with `base <= p <= count`.
    mutating func adopt(_ saved: EventIDIndexFile) {
        let covered = saved.coveredPosition
        precondition(isLoaded && covered >= base && covered <= count, "a checkpoint covers positions indexed before it")
        fingerprints.removeFirst(Int(covered - base))
        file = saved
        base = covered
        slots = []
        mask = 0
        grow(to: fingerprints.count)
    }

    private mutating func place(_ position: UInt64, _ fp: UInt32) {
        var i = Int(fp) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        precondition(position - base < 1 << 32, "fewer than 4 billion event ids in memory")
        slots[i] = UInt64(fp) << 32 | (position - base)
    }

    private mutating func grow(to events: Int) {
        var capacity = max(1024, slots.count)
        while events * 10 > capacity * 7 { capacity *= 2 }
        guard capacity != slots.count else { return }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for (k, fp) in fingerprints.enumerated() { place(base + UInt64(k + 1), fp) }
    }
}
