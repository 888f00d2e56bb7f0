import EventLog
/// Each stream's version as an import's first pass has counted it (the log's version plus the
/// lines before), in 16 bytes a slot: streams are identified by 96 bits of two independent
/// hashes of their name, as the log's stream index identifies them (two names agree on both
/// with probability ~2⁻⁹⁶), so no names are kept. Open addressing, at most 3/4 full.
struct StreamVersionTable {
    private var hashes: [UInt64]
    private var checks: [UInt32]
    private var versions: [UInt32]
    private var mask: Int
    private(set) var count = 0

    init() {
        hashes = [UInt64](repeating: 0, count: 1024)
        checks = [UInt32](repeating: 0, count: 1024)
        versions = [UInt32](repeating: 0, count: 1024)
        mask = 1023
    }

    /// The log's own stream-index hashing (`IndexHashing`): the same 96 bits per name.
    typealias Key = IndexHashing.Key
    static func key(_ name: UnsafeRawBufferPointer) -> Key { IndexHashing.key(name) }
    static func key(_ name: String) -> Key { IndexHashing.key(name) }

    func version(_ key: Key) -> UInt64? {
        var i = Int(truncatingIfNeeded: key.hash) & mask
        while hashes[i] != 0 {
            if hashes[i] == key.hash && checks[i] == key.check { return UInt64(versions[i]) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Sets the version of `key`. - Throws: `AdminError` past 2³² - 1 events in one stream.
    mutating func set(_ key: Key, _ version: UInt64) throws {
        guard let v = UInt32(exactly: version) else {
            throw AdminError.failure("a stream of more than \(UInt32.max) events is beyond what import counts")
        }
        var i = Int(truncatingIfNeeded: key.hash) & mask
        while hashes[i] != 0 {
            if hashes[i] == key.hash && checks[i] == key.check { versions[i] = v; return }
            i = (i + 1) & mask
        }
        hashes[i] = key.hash
        checks[i] = key.check
        versions[i] = v
        count += 1
        if count * 4 > hashes.count * 3 { grow() }
    }

    private mutating func grow() {
        let (oldHashes, oldChecks, oldVersions) = (hashes, checks, versions)
        let capacity = hashes.count * 2
        hashes = [UInt64](repeating: 0, count: capacity)
        checks = [UInt32](repeating: 0, count: capacity)
        versions = [UInt32](repeating: 0, count: capacity)
        mask = capacity - 1
        for k in 0..<oldHashes.count where oldHashes[k] != 0 {
            var i = Int(truncatingIfNeeded: oldHashes[k]) & mask
            while hashes[i] != 0 { i = (i + 1) & mask }
            hashes[i] = oldHashes[k]
            checks[i] = oldChecks[k]
            versions[i] = oldVersions[k]
        }
    }
}
