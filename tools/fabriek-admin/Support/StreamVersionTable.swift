import EventLog

/// Each stream's version as an import's first pass has counted it (the log's version plus the
/// lines before), in 16 bytes a slot: streams are identified by 96 bits of two independent
/// hashes of their name, as the log's stream index identifies them (two names agree on both
/// with probability ~2⁻⁹⁶), so no names are kept. 16 open-addressing tables by the hash's top
/// bits, each at most 3/4 full: one grows at a time, so growing holds a sixteenth of the table
/// twice, not all of it.
struct StreamVersionTable {
    fileprivate struct Part {
        var hashes: [UInt64]
        var checks: [UInt32]
        var versions: [UInt32]
        var mask: Int
        var count = 0

        init(capacity: Int) {
            hashes = [UInt64](repeating: 0, count: capacity)
            checks = [UInt32](repeating: 0, count: capacity)
            versions = [UInt32](repeating: 0, count: capacity)
            mask = capacity - 1
        }
    }

    private var parts = [Part](repeating: Part(capacity: 64), count: 16)
    private(set) var count = 0

    /// The log's own stream-index hashing (`IndexHashing`): the same 96 bits per name.
    typealias Key = IndexHashing.Key
    static func key(_ name: UnsafeRawBufferPointer) -> Key { IndexHashing.key(name) }
    static func key(_ name: String) -> Key { IndexHashing.key(name) }

    private static func part(_ key: Key) -> Int { Int(truncatingIfNeeded: key.hash >> 60) }

    func version(_ key: Key) -> UInt64? {
        let p = Self.part(key)
        let mask = parts[p].mask
        var i = Int(truncatingIfNeeded: key.hash) & mask
        while parts[p].hashes[i] != 0 {
            if parts[p].hashes[i] == key.hash && parts[p].checks[i] == key.check { return UInt64(parts[p].versions[i]) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Sets the version of `key`. - Throws: `AdminError` past 2³² - 1 events in one stream.
    mutating func set(_ key: Key, _ version: UInt64) throws {
        guard let v = UInt32(exactly: version) else {
            throw AdminError.failure("a stream of more than \(UInt32.max) events is beyond what import counts")
        }
        let p = Self.part(key)
        if parts[p].set(key, v) { count += 1 }
    }
}

extension StreamVersionTable.Part {
    /// Sets the version of `key`; whether it was new.
    mutating func set(_ key: StreamVersionTable.Key, _ v: UInt32) -> Bool {
        var i = Int(truncatingIfNeeded: key.hash) & mask
        while hashes[i] != 0 {
            if hashes[i] == key.hash && checks[i] == key.check { versions[i] = v; return false }
            i = (i + 1) & mask
        }
        hashes[i] = key.hash
        checks[i] = key.check
        versions[i] = v
        count += 1
        if count * 4 > hashes.count * 3 { grow() }
        return true
    }

    private mutating func grow() {
        let old = self
        self = StreamVersionTable.Part(capacity: old.hashes.count * 2)
        count = old.count
        for k in 0..<old.hashes.count where old.hashes[k] != 0 {
            var i = Int(truncatingIfNeeded: old.hashes[k]) & mask
            while hashes[i] != 0 { i = (i + 1) & mask }
            hashes[i] = old.hashes[k]
            checks[i] = old.checks[k]
            versions[i] = old.versions[k]
        }
    }
}
