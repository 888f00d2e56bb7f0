import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A set of event ids, each with a 64-bit value (a position, a spool offset), in memory that
/// grows by ~2 bytes per id: `candidates(of:)` gives the values of every id inserted with the
/// same 64-bit fingerprint. The caller confirms a candidate against the real id (reading the
/// event or spool entry the value points at), so answers are exact.
///
/// Layout: a split-block Bloom filter (16 bits per expected id, one 32-byte block per id, so a
/// lookup is one cache miss; ~0.1% false positives at the expected count) says "maybe" or
/// "no"; "maybe" searches a small in-memory table of the most recent ids, then sorted runs of
/// (fingerprint, value) spilled to a temporary file, each with a sparse in-memory index (one
/// fingerprint per 256 records), so a lookup reads one 4 KiB block per run. Used by `import`
/// for ids within its file (duplicates) and ids the log holds (`StoredEvents`), so memory does
/// not grow with either at ~16 bytes per id.
final class IDCandidateIndex {
    private var bloom: [UInt32]
    /// The filter's 32-byte blocks (any number: a fingerprint's block is its high 32 bits
    /// scaled to it).
    private let blocks: UInt64
    /// The most recent ids: open addressing, fingerprint 0 = empty (fingerprints are never 0).
    private var recentKeys: [UInt64]
    private var recentValues: [UInt64]
    private var recentCount = 0
    private static let recentCapacity = 1 << 18
    private static let recentLimit = 1 << 17
    private static let recordsPerBlock = 256

    private struct Run {
        var offset: Int64
        var count: Int
        /// The fingerprint of every `recordsPerBlock`-th record.
        var sparse: [UInt64]
    }
    private var runs: [Run] = []
    private let path: String
    private var fd: Int32 = -1
    private var fileSize: Int64 = 0
    private(set) var count = 0

    /// Bytes held in memory: the filter, the recent table and the runs' sparse indexes.
    var residentBytes: Int {
        bloom.count * 4 + Self.recentCapacity * 16 + runs.reduce(0) { $0 + $1.sparse.count * 8 }
    }

    /// `expected`: how many ids to size the filter for (more still work, with more false
    /// positives); `directory`: where the spill file goes (removed on deinit).
    init(expected: Int, directory: String, name: String) {
        // 16 bits per id = half a 32-byte block; at most 32 MiB.
        let blocks = min(max(1024, (expected + 15) / 16), 1 << 20)
        bloom = [UInt32](repeating: 0, count: blocks * 8)
        self.blocks = UInt64(blocks)
        recentKeys = [UInt64](repeating: 0, count: Self.recentCapacity)
        recentValues = [UInt64](repeating: 0, count: Self.recentCapacity)
        path = directory + "/import-\(getpid())-\(name).ids"
    }

    deinit {
        if fd >= 0 { close(fd); unlink(path) }
    }

    /// The 64-bit fingerprint of an id (never 0).
    @inline(__always)
    static func fingerprint(_ id: UUID) -> UInt64 {
        withUnsafeBytes(of: id.uuid) { raw in
            let hi = raw.loadUnaligned(as: UInt64.self)
            let lo = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let h = mix(hi ^ mix(lo &+ 0x5851_F42D_4C95_7F2D))
            return h == 0 ? 1 : h
        }
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let salts: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x47B6_137B, 0x4497_4D91, 0x8824_AD5B, 0xA2B7_289D, 0x7054_95C7, 0x2DF1_424B, 0x9EFC_4947, 0x5C6B_FB31)

    /// Sets (`set`) or tests the 8 bits of `fp` in its block.
    @inline(__always)
    private func bloomBits(_ fp: UInt64, set: Bool) -> Bool {
        let block = Int(((fp >> 32) &* blocks) >> 32) * 8
        let low = UInt32(truncatingIfNeeded: fp)
        var all = true
        withUnsafeBytes(of: Self.salts) { salts in
            let s = salts.bindMemory(to: UInt32.self)
            bloom.withUnsafeMutableBufferPointer { b in
                for k in 0..<8 {
                    let bit = UInt32(1) << ((low &* s[k]) >> 27)
                    if set { b[block + k] |= bit } else if b[block + k] & bit == 0 { all = false; return }
                }
            }
        }
        return all
    }

    /// Adds `id` with `value`.
    func insert(_ id: UUID, value: UInt64) throws {
        let fp = Self.fingerprint(id)
        _ = bloomBits(fp, set: true)
        let mask = Self.recentCapacity - 1
        var i = Int(truncatingIfNeeded: fp) & mask
        while recentKeys[i] != 0 { i = (i + 1) & mask }
        recentKeys[i] = fp
        recentValues[i] = value
        recentCount += 1
        count += 1
        if recentCount >= Self.recentLimit { try spill() }
    }

    /// The values of every id inserted with `id`'s fingerprint (usually none; a match is a
    /// candidate to confirm).
    func candidates(of id: UUID) throws -> [UInt64] {
        let fp = Self.fingerprint(id)
        guard bloomBits(fp, set: false) else { return [] }
        var out: [UInt64] = []
        let mask = Self.recentCapacity - 1
        var i = Int(truncatingIfNeeded: fp) & mask
        while recentKeys[i] != 0 {
            if recentKeys[i] == fp { out.append(recentValues[i]) }
            i = (i + 1) & mask
        }
        for run in runs { try search(run, fp, into: &out) }
        return out
    }

    private func search(_ run: Run, _ fp: UInt64, into out: inout [UInt64]) throws {
        // The last block whose first fingerprint is < fp may end with fp; start there.
        var lo = 0, hi = run.sparse.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if run.sparse[mid] < fp { lo = mid + 1 } else { hi = mid }
        }
        var block = max(lo - 1, 0)
        let n = Self.recordsPerBlock
        var buffer = [UInt64](repeating: 0, count: 2 * n)
        while block * n < run.count {
            let records = min(n, run.count - block * n)
            let bytes = records * 16
            let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, bytes, off_t(run.offset + Int64(block * n * 16))) }
            guard got == bytes else { throw AdminError.failure("cannot read back \(path): \(String(cString: strerror(errno)))") }
            for r in 0..<records {
                let key = buffer[2 * r]
                if key == fp { out.append(buffer[2 * r + 1]) } else if key > fp { return }
            }
            block += 1
        }
    }

    /// Writes the recent table as a sorted run and empties it.
    private func spill() throws {
        if fd < 0 {
            fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
            guard fd >= 0 else {
                throw AdminError.failure("cannot create \(path): \(String(cString: strerror(errno))); check that the data directory is writable")
            }
        }
        var pairs: [(UInt64, UInt64)] = []
        pairs.reserveCapacity(recentCount)
        for i in 0..<Self.recentCapacity where recentKeys[i] != 0 { pairs.append((recentKeys[i], recentValues[i])) }
        pairs.sort { $0.0 < $1.0 }
        var flat = [UInt64]()
        flat.reserveCapacity(pairs.count * 2)
        var sparse: [UInt64] = []
        for (k, (key, value)) in pairs.enumerated() {
            if k % Self.recordsPerBlock == 0 { sparse.append(key) }
            flat.append(key)
            flat.append(value)
        }
        let bytes = flat.count * 8
        var done = 0
        while done < bytes {
            let n = flat.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes - done, off_t(fileSize + Int64(done))) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AdminError.failure("cannot write \(path): \(String(cString: strerror(errno))) (free space in the data directory); nothing was imported")
            }
            done += n
        }
        runs.append(Run(offset: fileSize, count: pairs.count, sparse: sparse))
        fileSize += Int64(bytes)
        for i in 0..<Self.recentCapacity { recentKeys[i] = 0 }
        recentCount = 0
    }
}
