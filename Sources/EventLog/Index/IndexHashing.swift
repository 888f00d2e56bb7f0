import Foundation

/// Deterministic hashes for the persisted index tables (the same in every process and build).
enum IndexHashing {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over UTF-8, then mixed; never 0.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let m = mix(h)
        return m == 0 ? 1 : m
    }

    static func hash(_ string: String) -> UInt64 {
        var s = string
        return s.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    static func hash(uuid: UnsafeRawBufferPointer) -> UInt64 {
        let lo = uuid.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let hi = uuid.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        return mix(lo ^ mix(hi))
    }

    static func hash(uuid: UUID) -> UInt64 {
        withUnsafeBytes(of: uuid.uuid) { hash(uuid: $0) }
    }
}
