import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an `InvariantAuditor` keeps the aggregate states and directory entries it evicted
/// from memory (`SpillingTable`): a scratch file holding an open-addressing hash table of
/// fixed 128-byte slots (linear probing, at most half full, doubled by a sequential rehash when
/// it gets there), read and written with `pread`/`pwrite` (the kernel's page cache holds it, not
/// the process), and beside it (`PATH.values`) the values too long for a slot, appended. A slot:
/// state (empty, used, deleted), key length, value length, the value's offset in the values
/// file (or the value itself when it fits), the key (a key longer than 48 bytes as `0xFF` and
/// its table byte, `0xFF` and its SHA-256). Memory: two slots' buffers, whatever the number of entries. Both files live
/// as long as the auditor and are deleted when it goes.
///
/// A failure (a full disk, a read error) is kept in `failure` (the first only) and every later
/// operation does nothing: the auditor's answers are not reliable after it, so its user checks
/// `failure` and stops (`fabriek-admin import` refuses the file, naming it).
final class AuditSpill {
    let path: String
    private var fd: Int32
    private let valuesFD: Int32
    private var valuesEnd: Int64 = 0
    private var slots: Int
    private var used = 0
    /// The first failure, naming the file and the operation.
    private(set) var failure: String?

    static let slotSize = 128
    static let keyCapacity = 48
    static let inlineCapacity = slotSize - 14 - keyCapacity  // 66
    private static let empty: UInt8 = 0, occupied: UInt8 = 1, deleted: UInt8 = 2

    /// Creates `path` and `path.values` (neither may exist) for about `expectedEntries`.
    init(path: String, expectedEntries: Int = 1 << 16) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditSpillError(description: "cannot create the auditor's scratch file \(path): \(String(cString: strerror(errno)))")
        }
        valuesFD = open(path + ".values", O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard valuesFD >= 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            unlink(path)
            throw AuditSpillError(description: "cannot create the auditor's scratch file \(path).values: \(message)")
        }
        var n = 1024
        while n < expectedEntries * 2 { n *= 2 }
        slots = n
        if ftruncate(fd, off_t(n * Self.slotSize)) != 0 {
            let message = String(cString: strerror(errno))
            close(fd)
            close(valuesFD)
            unlink(path)
            unlink(path + ".values")
            throw AuditSpillError(description: "cannot size the auditor's scratch file \(path): \(message)")
        }
    }

    deinit {
        close(fd)
        close(valuesFD)
        unlink(path)
        unlink(path + ".values")
    }

    private func fail(_ operation: String, _ file: String? = nil) {
        guard failure == nil else { return }
        failure = "the auditor's scratch file \(file ?? path) failed (\(operation): \(String(cString: strerror(errno))))"
    }

    /// The key as stored in a slot: itself, or its first byte (the table), `0xFF` and its
    /// SHA-256 when longer than 48 bytes (no key `SpillingTable` writes has `0xFF` second).
    private static func slotKey(_ key: [UInt8]) -> [UInt8] {
        guard key.count > keyCapacity else { return key }
        return [key[0], 0xFF] + Array(SHA256.hash(data: key))
    }

    private static func hash(_ key: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }

    private func readSlot(_ i: Int, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let n = pread(fd, buffer.baseAddress, Self.slotSize, off_t(i * Self.slotSize))
        if n != Self.slotSize { fail("read"); return false }
        return true
    }

    private func writeSlot(_ i: Int, _ buffer: UnsafeRawBufferPointer) -> Bool {
        let n = pwrite(fd, buffer.baseAddress, Self.slotSize, off_t(i * Self.slotSize))
        if n != Self.slotSize { fail("write"); return false }
        return true
    }

    /// The slot holding `key` (nil when none), probing from its hash; `free` is the first empty
    /// or deleted slot met (where it would go).
    private func find(_ key: [UInt8], _ buffer: UnsafeMutableRawBufferPointer) -> (found: Int?, free: Int?) {
        let mask = slots - 1
        var i = Int(truncatingIfNeeded: Self.hash(key)) & mask
        var free: Int?
        for _ in 0..<slots {
            guard readSlot(i, into: buffer) else { return (nil, nil) }
            let state = buffer[0]
            if state == Self.empty { return (nil, free ?? i) }
            if state == Self.deleted {
                if free == nil { free = i }
            } else if Int(buffer[1]) == key.count, key.withUnsafeBytes({ memcmp($0.baseAddress!, buffer.baseAddress! + 14 + Self.inlineCapacity, key.count) == 0 }) {
                return (i, free)
            }
            i = (i + 1) & mask
        }
        return (nil, free)
    }

    private func value(in buffer: UnsafeMutableRawBufferPointer) -> [UInt8]? {
        let length = Int(buffer.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        if length <= Self.inlineCapacity {
            return [UInt8](UnsafeRawBufferPointer(rebasing: buffer[14..<(14 + length)]))
        }
        let offset = buffer.loadUnaligned(fromByteOffset: 6, as: Int64.self)
        var out = [UInt8](repeating: 0, count: length)
        let n = out.withUnsafeMutableBytes { pread(valuesFD, $0.baseAddress, length, off_t(offset)) }
        if n != length { fail("read", path + ".values"); return nil }
        return out
    }

    /// The value stored under `key`, nil when none (or after a failure).
    func load(_ key: [UInt8]) -> [UInt8]? {
        guard failure == nil else { return nil }
        let k = Self.slotKey(key)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.slotSize, alignment: 8)
        defer { buffer.deallocate() }
        guard let slot = find(k, buffer).found else { return nil }
        _ = slot
        return value(in: buffer)
    }

    /// Stores each value under its key (replacing what was there).
    func store(_ entries: [(key: [UInt8], value: [UInt8])]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.slotSize, alignment: 8)
        defer { buffer.deallocate() }
        for e in entries {
            guard failure == nil else { return }
            if (used + 1) * 2 > slots { grow() }
            put(Self.slotKey(e.key), e.value, buffer)
        }
    }

    private func put(_ k: [UInt8], _ value: [UInt8], _ buffer: UnsafeMutableRawBufferPointer) {
        let (found, free) = find(k, buffer)
        guard failure == nil, let slot = found ?? free else {
            if failure == nil { errno = ENOSPC; fail("no free slot") }
            return
        }
        if found == nil { used += 1 }
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer[0] = Self.occupied
        buffer[1] = UInt8(k.count)
        buffer.storeBytes(of: UInt32(value.count), toByteOffset: 2, as: UInt32.self)
        if value.count <= Self.inlineCapacity {
            value.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[14..<(14 + value.count)]).copyMemory(from: $0) }
        } else {
            let n = value.withUnsafeBytes { pwrite(valuesFD, $0.baseAddress, value.count, off_t(valuesEnd)) }
            if n != value.count { fail("write", path + ".values"); return }
            buffer.storeBytes(of: valuesEnd, toByteOffset: 6, as: Int64.self)
            valuesEnd += Int64(value.count)
        }
        k.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[(14 + Self.inlineCapacity)...]).copyMemory(from: $0) }
        _ = writeSlot(slot, UnsafeRawBufferPointer(buffer))
    }

    /// Removes the value stored under `key`, if any.
    func remove(_ key: [UInt8]) {
        guard failure == nil else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.slotSize, alignment: 8)
        defer { buffer.deallocate() }
        guard let slot = find(Self.slotKey(key), buffer).found else { return }
        buffer[0] = Self.deleted
        _ = writeSlot(slot, UnsafeRawBufferPointer(buffer))
    }

    /// Removes every entry of table `table` (keys starting with that byte, as `SpillingTable`
    /// writes them) whose value is `value`: one pass over the file.
    func removeAll(table: UInt8, value wanted: [UInt8]) {
        guard failure == nil else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.slotSize, alignment: 8)
        defer { buffer.deallocate() }
        for i in 0..<slots {
            guard readSlot(i, into: buffer) else { return }
            guard buffer[0] == Self.occupied, buffer[1] > 0, buffer[14 + Self.inlineCapacity] == table,
                  value(in: buffer) == wanted else { continue }
            buffer[0] = Self.deleted
            guard writeSlot(i, UnsafeRawBufferPointer(buffer)) else { return }
        }
    }

    /// Doubles the table: every entry is placed again in a new file, which replaces the old one.
    private func grow() {
        let newPath = path + ".grow"
        let newFD = open(newPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard newFD >= 0 else { fail("create", newPath); return }
        let newSlots = slots * 2
        guard ftruncate(newFD, off_t(newSlots * Self.slotSize)) == 0 else { fail("size", newPath); close(newFD); unlink(newPath); return }
        let (oldFD, oldSlots) = (fd, slots)
        let chunk = 4096
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk * Self.slotSize, alignment: 8)
        let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.slotSize, alignment: 8)
        defer { buffer.deallocate(); probe.deallocate() }
        fd = newFD
        slots = newSlots
        used = 0
        var start = 0
        while start < oldSlots, failure == nil {
            let count = min(chunk, oldSlots - start)
            let n = pread(oldFD, buffer.baseAddress, count * Self.slotSize, off_t(start * Self.slotSize))
            guard n == count * Self.slotSize else { fail("read"); break }
            for j in 0..<count where buffer[j * Self.slotSize] == Self.occupied {
                let slot = UnsafeMutableRawBufferPointer(rebasing: buffer[(j * Self.slotSize)..<((j + 1) * Self.slotSize)])
                let k = [UInt8](UnsafeRawBufferPointer(rebasing: slot[(14 + Self.inlineCapacity)..<(14 + Self.inlineCapacity + Int(slot[1]))]))
                let (_, free) = find(k, probe)
                guard let free else { break }
                _ = writeSlot(free, UnsafeRawBufferPointer(slot))
                used += 1
            }
            start += count
        }
        close(oldFD)
        if rename(newPath, path) != 0 { fail("rename", newPath) }
    }
}

/// The auditor's scratch file could not be created.
public struct AuditSpillError: Error, CustomStringConvertible {
    public var description: String
}
