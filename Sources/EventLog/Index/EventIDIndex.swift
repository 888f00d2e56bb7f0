import Foundation

/// Every event id of the log, so that an append can tell ids stored anywhere in the log (a
/// retry) from new ones: a 32-bit fingerprint per position, and an open-addressing table from
/// fingerprint to positions. A hit is only a candidate; the writer confirms it by comparing the
/// stored id, so the answer is exact.
///
/// Owned by the writer thread. Built on first use after open by reading every id (the ids sit
/// side by side in each block); ~12 bytes of memory per event. Ids of events accepted into the
/// group being written are added when planned; a failed write invalidates the index, and the
/// next use rebuilds it from what is committed.
struct EventIDIndex {
    /// `fingerprints[p - 1]` is the fingerprint of the event at position `p`.
    private var fingerprints: [UInt32] = []
    /// Positions (0: empty slot), placed by fingerprint with linear probing.
    private var slots: [UInt64] = []
    private var mask = 0
    private(set) var isLoaded = false

    /// The positions indexed: 1...count.
    var count: UInt64 { UInt64(fingerprints.count) }

    static func fingerprint(_ id: UUID) -> UInt32 {
        withUnsafeBytes(of: id.uuid) { raw in
            let hi = raw.loadUnaligned(as: UInt64.self)
            let lo = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            return UInt32(truncatingIfNeeded: IndexHashing.mix(hi ^ IndexHashing.mix(lo)) >> 32)
        }
    }

    /// Indexes every committed event of `state`; stays unloaded when they cannot be read.
    mutating func load(from state: LogState) throws {
        let head = state.head.position
        fingerprints = []
        fingerprints.reserveCapacity(Int(head))
        slots = []
        mask = 0
        grow(to: Int(head))
        isLoaded = true
        guard head > 0 else { return }
        do {
            try BatchReader.forEachEvent(in: state, from: 1, through: head) { view in
                insert(view.id, position: view.position)
            }
        } catch {
            invalidate()
            throw error
        }
    }

    /// Forgets everything; the next `load` rebuilds.
    mutating func invalidate() {
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

    /// Calls `body` with each position whose fingerprint equals `id`'s, until it returns true;
    /// returns that position.
    func firstPosition(of id: UUID, where body: (UInt64) throws -> Bool) rethrows -> UInt64? {
        guard !slots.isEmpty else { return nil }
        let fp = Self.fingerprint(id)
        var i = Int(fp) & mask
        while true {
            let p = slots[i]
            if p == 0 { return nil }
            if fingerprints[Int(p - 1)] == fp, try body(p) { return p }
            i = (i + 1) & mask
        }
    }

    private mutating func place(_ position: UInt64, _ fp: UInt32) {
        var i = Int(fp) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = position
    }

    private mutating func grow(to events: Int) {
        var capacity = max(1024, slots.count)
        while events * 10 > capacity * 7 { capacity *= 2 }
        guard capacity != slots.count else { return }
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for (k, fp) in fingerprints.enumerated() { place(UInt64(k + 1), fp) }
    }
}
