@testable import EventLog

/// An output buffer for writing large files (the index files): raw memory that grows by
/// doubling, written through a pointer. `ByteWriter` appends to an array byte by byte, which
/// costs a capacity and uniqueness check per byte: for the tens of millions of bytes of an index
/// file that dominated writing it.
final class GrowableBytes {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes.
    @inline(__always)
    func reserve(_ n: Int) {
        if count &+ n > capacity { grow(to: count + n) }
    }

    @inline(never)
    private func grow(to needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 8)
        bigger.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = bigger
        capacity = c
    }

    @inline(__always)
    func append(_ value: UInt32) {
        reserve(4)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count &+= 4
    }

    /// The low `bytes` (at most 8) bytes of `value`, little-endian.
    @inline(__always)
    func append(low value: UInt64, bytes: Int) {
        reserve(8)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count &+= bytes
    }

    @inline(__always)
    func appendVarint(_ value: UInt64) {
        reserve(Varint.maxSize)
        var v = value
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: count, as: UInt8.self)
            count &+= 1
            v >>= 7
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawPointer, count n: Int) {
        guard n > 0 else { return }
        reserve(n)
        (base + count).copyMemory(from: bytes, byteCount: n)
        count &+= n
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}
