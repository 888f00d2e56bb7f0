/// Deterministic hashes for the persisted stream index (the same in every process and build).
///
/// A stream id is identified in the index file by 96 bits: a 64-bit hash that places it in the
/// table and an independent 32-bit check. Two different stream ids agree on both with
/// probability about 2⁻⁹⁶ (for a million streams, ~10⁻¹⁷), far below the rate of undetected
/// disk errors, so the file stores no stream names.
package enum IndexHashing {
    package struct Key: Hashable {
        package var hash: UInt64
        package var check: UInt32

        /// `hash` is already well mixed: hashing it alone keeps a `Key`-keyed `Set` or
        /// `Dictionary` cheap; equality still compares all 96 bits.
        package func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Two FNV-1a accumulators with different bases, each finalised by a mixer; hash never 0.
    @inline(__always)
    package static func key(_ bytes: UnsafeRawBufferPointer) -> Key {
        var a: UInt64 = 0xCBF2_9CE4_8422_2325
        var b: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01B3
            b = (b ^ UInt64(byte)) &* 0x100_0000_0193
        }
        let h = mix(a)
        return Key(hash: h == 0 ? 1 : h, check: UInt32(truncatingIfNeeded: mix(b ^ UInt64(bytes.count))))
    }

    package static func key(_ string: String) -> Key {
        var s = string
        return s.withUTF8 { key(UnsafeRawBufferPointer($0)) }
    }
}
