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

    struct Key {
        var hash: UInt64
        var check: UInt32
    }

    /// Two FNV-1a accumulators with different bases, each finalised by a mixer; hash never 0.
    static func key(_ name: UnsafeRawBufferPointer) -> Key {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325
        var b: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in name {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x100_0000_0193
        }
        let h = mix(a)
        return Key(hash: h == 0 ? 1 : h, check: UInt32(truncatingIfNeeded: mix(b ^ UInt64(name.count))))
    }

    static func key(_ name: String) -> Key {
        var s = name
        return s.withUTF8 { key(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The version counted for `key`, nil when the stream has no line yet.
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
