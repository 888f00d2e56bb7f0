import EventLog

/// Each stream's version as an import's first pass has counted it (the log's version plus the
/// lines before), in 16 bytes a slot: streams are identified by 96 bits of two independent
/// hashes of their name, as the log's stream index identifies them (two names agree on both
/// with probability ~2⁻⁹⁶), so no names are kept. 16 open-addressing tables by the hash's top
/// bits (linear probing; a slot holds the hash, the check and the version together, one cache
/// line a probe), each between ~4/7 and 4/5 full: one grows at a time, by 7/5, so growing holds
/// a sixteenth of the table 2.4 times, and the table averages ~23 bytes a stream (doubling at
/// 3/4 full averaged ~28).
struct StreamVersionTable {
    fileprivate struct Slot {
        var hash: UInt64
        var check: UInt32
        var version: UInt32
    }

    fileprivate struct Part {
        /// `hash` 0: empty (the log's hashing never gives 0).
        var slots: [Slot]
        var count = 0

        init(capacity: Int) {
            slots = [Slot](repeating: Slot(hash: 0, check: 0, version: 0), count: capacity)
        }

        /// The first slot to probe for `hash` among `n`: its bits below the part's 4, scaled
        /// to `n` (any number of slots).
        @inline(__always)
        static func home(_ hash: UInt64, _ n: Int) -> Int {
            Int(truncatingIfNeeded: (hash << 4).multipliedFullWidth(by: UInt64(n)).high)
        }
    }

    private var parts = [Part](repeating: Part(capacity: 64), count: 16)
    private(set) var count = 0

    /// Slots of the table (each 16 bytes), for measuring its memory.
    var capacity: Int { parts.reduce(0) { $0 + $1.slots.count } }

    /// The log's own stream-index hashing (`IndexHashing`): the same 96 bits per name.
    typealias Key = IndexHashing.Key
    static func key(_ name: UnsafeRawBufferPointer) -> Key { IndexHashing.key(name) }
    static func key(_ name: String) -> Key { IndexHashing.key(name) }

    private static func part(_ key: Key) -> Int { Int(truncatingIfNeeded: key.hash >> 60) }

    func version(_ key: Key) -> UInt64? {
        parts[Self.part(key)].slots.withUnsafeBufferPointer { slots in
            let n = slots.count
            var i = Part.home(key.hash, n)
            while slots[i].hash != 0 {
                if slots[i].hash == key.hash && slots[i].check == key.check { return UInt64(slots[i].version) }
                i += 1
                if i == n { i = 0 }
            }
            return nil
        }
    }

    /// Sets the version of `key`. - Throws: `AdminError` past 2³² - 1 events in one stream.
    mutating func set(_ key: Key, _ version: UInt64) throws {
        guard let v = UInt32(exactly: version) else {
            throw AdminError.failure("a stream of more than \(UInt32.max) events is beyond what import counts")
        }
        precondition(key.hash != 0, "the log's stream hashing never gives 0")
        let p = Self.part(key)
        if parts[p].set(key, v) { count += 1 }
    }
}

extension StreamVersionTable.Part {
    /// Sets the version of `key`; whether it was new.
    mutating func set(_ key: StreamVersionTable.Key, _ v: UInt32) -> Bool {
        let found: Bool = slots.withUnsafeMutableBufferPointer { slots in
            let n = slots.count
            var i = Self.home(key.hash, n)
            while slots[i].hash != 0 {
                if slots[i].hash == key.hash && slots[i].check == key.check {
                    slots[i].version = v
                    return true
                }
                i += 1
                if i == n { i = 0 }
            }
            slots[i] = StreamVersionTable.Slot(hash: key.hash, check: key.check, version: v)
            return false
        }
        if found { return false }
        count += 1
        if count * 5 > slots.count * 4 { grow() }
        return true
    }

    /// Rebuilds the part with 7/5 of its slots.
    private mutating func grow() {
        let old = slots
        var grown = [StreamVersionTable.Slot](repeating: StreamVersionTable.Slot(hash: 0, check: 0, version: 0),
                                              count: old.count * 7 / 5)
        grown.withUnsafeMutableBufferPointer { slots in
            let n = slots.count
            for s in old where s.hash != 0 {
                var i = Self.home(s.hash, n)
                while slots[i].hash != 0 {
                    i += 1
                    if i == n { i = 0 }
                }
                slots[i] = s
            }
        }
        slots = grown
    }
}
