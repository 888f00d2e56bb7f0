import CCRC32C

/// A hash map from a stream's `IndexHashing.Key` to a value, for the writer's hot path.
///
/// The key is hashed once per append (FNV over the stream's bytes); this table places it by
/// the key's own hash bits, so a lookup costs no further hashing, unlike a `String`- or even a
/// `Key`-keyed `Dictionary` (SipHash on every access). Open addressing with linear probing
/// over a power-of-two slot array kept at most 70% full; each slot packs the high 32 bits of
/// the hash (a tag that rules out most mismatches without touching the entry) and the entry's
/// index + 1 (0 = empty). Entries are dense, in insertion order, so growing rehashes only the
/// slots, and removal is not supported (nothing needs it).
///
/// A value type over arrays: a copy is a cheap snapshot, and copy-on-write keeps it unchanged
/// while the original is mutated.
struct KeyedTable<Value> {
    struct Entry {
        var key: IndexHashing.Key
        var value: Value
    }

    private(set) var entries: [Entry] = []
    private var slots: [UInt64] = []

    init(minimumCapacity: Int = 0) {
        if minimumCapacity > 0 {
            entries.reserveCapacity(minimumCapacity)
            slots = [UInt64](repeating: 0, count: Self.slotCount(for: minimumCapacity))
        }
    }

    var count: Int { entries.count }

    /// The index of `key`'s entry, or nil.
    @inline(__always)
    func index(of key: IndexHashing.Key) -> Int? {
        find(key).index
    }

    func value(for key: IndexHashing.Key) -> Value? {
        index(of: key).map { entries[$0].value }
    }

    subscript(index: Int) -> Value {
        get { entries[index].value }
        set { entries[index].value = newValue }
    }

    /// The index of `key`'s entry; when absent, first adds it with `value`.
    @inline(__always)
    mutating func insert(_ key: IndexHashing.Key, _ value: @autoclosure () -> Value) -> (index: Int, inserted: Bool) {
        var (slot, found) = find(key)
        if let found { return (found, false) }
        if (entries.count + 1) * 10 > slots.count * 7 {
            grow()
            slot = find(key).slot
        }
        let index = entries.count
        entries.append(Entry(key: key, value: value()))
        slots[slot] = Self.tag(key) | UInt64(index + 1)
        return (index, true)
    }

    /// Starts loading the slot where a lookup of `key` begins, without waiting for it
    /// (`fabriek_prefetch`): the writer calls this a few appends ahead of the lookup.
    @inline(__always)
    func prefetchSlot(of key: IndexHashing.Key) {
        slots.withUnsafeBufferPointer { slots in
            guard let start = slots.baseAddress, !slots.isEmpty else { return }
            fabriek_prefetch(start + (Int(truncatingIfNeeded: key.hash) & (slots.count - 1)))
        }
    }

    /// Starts loading the entry whose slot carries `key`'s tag, reading only the slots (loaded
    /// by `prefetchSlot` an append earlier, ideally); true when there is one (most likely
    /// `key`'s: the tag is 32 bits of its hash), false when `key` is surely absent.
    @inline(__always)
    func prefetchEntry(of key: IndexHashing.Key) -> Bool {
        guard !slots.isEmpty else { return false }
        let tag = Self.tag(key)
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                let mask = slots.count - 1
                var slot = Int(truncatingIfNeeded: key.hash) & mask
                while true {
                    let s = slots[slot]
                    if s == 0 { return false }
                    if s & 0xFFFF_FFFF_0000_0000 == tag {
                        fabriek_prefetch(entries.baseAddress! + (Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1))
                        return true
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Sets `key`'s value, adding the key when absent.
    mutating func set(_ key: IndexHashing.Key, _ value: Value) {
        let (index, inserted) = insert(key, value)
        if !inserted { entries[index].value = value }
    }

    @inline(__always)
    private static func tag(_ key: IndexHashing.Key) -> UInt64 { key.hash & 0xFFFF_FFFF_0000_0000 }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func find(_ key: IndexHashing.Key) -> (slot: Int, index: Int?) {
        guard !slots.isEmpty else { return (0, nil) }
        let tag = Self.tag(key)
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                let mask = slots.count - 1
                var slot = Int(truncatingIfNeeded: key.hash) & mask
                while true {
                    let s = slots[slot]
                    if s == 0 { return (slot, nil) }
                    if s & 0xFFFF_FFFF_0000_0000 == tag {
                        let index = Int(truncatingIfNeeded: s & 0xFFFF_FFFF) - 1
                        if entries[index].key == key { return (slot, index) }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        slots = [UInt64](repeating: 0, count: Self.slotCount(for: entries.count + 1))
        let mask = slots.count - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for (index, entry) in entries.enumerated() {
                var slot = Int(truncatingIfNeeded: entry.key.hash) & mask
                while slots[slot] != 0 { slot = (slot + 1) & mask }
                slots[slot] = Self.tag(entry.key) | UInt64(index + 1)
            }
        }
    }

    /// The smallest power of two (at least 8) that holds `count` entries under the 70% load
    /// limit. Entry indices must fit the slot's low 32 bits.
    private static func slotCount(for count: Int) -> Int {
        precondition(count < Int(UInt32.max), "more than 4 billion streams in one in-memory index")
        var n = 8
        while count * 10 > n * 7 { n *= 2 }
        return n
    }
}

extension KeyedTable: Sendable where Value: Sendable {}
extension KeyedTable.Entry: Sendable where Value: Sendable {}
