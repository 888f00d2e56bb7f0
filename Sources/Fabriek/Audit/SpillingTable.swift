import EventLog
import Events
import Foundation

/// A table of the auditor (aggregate states by stream, directory entries by id) that keeps at
/// most `capacity` entries in memory, each in a heap box of its own (the hash table's buckets
/// hold a reference, 8 bytes, so growing it copies references only). Past that, entries not
/// used since the last eviction go first, encoded, to the auditor's scratch file
/// (`AuditSpill`, a quarter of the capacity at a time) and come back, decoded, when asked for.
/// Without a spill file the table keeps everything in memory.
///
/// The values read are the values written: the codec round-trips every value exactly
/// (`AuditStateCoding`), so an auditor decides the same with or without spilling.
final class SpillingTable<Key: Hashable, Value> {
    final class Box {
        var value: Value
        /// Whether the entry was used since the last eviction (such entries stay).
        var used = true
        /// Where its entry sits in the spill's index, when it was loaded from or stored there.
        var slot: AuditSpill.Slot?
        /// Whether the spill was searched for it and holds none (so storing it needs no search).
        var absent: Bool
        init(_ value: Value, slot: AuditSpill.Slot?, absent: Bool) {
            self.value = value
            self.slot = slot
            self.absent = absent
        }
    }

    private var hot: [Key: Box] = [:]
    /// Entries kept in memory at most (`shrink` lowers it).
    private(set) var capacity: Int
    private let spill: AuditSpill?
    /// The first byte of this table's keys in the spill file.
    private let table: UInt8
    private let keyBytes: (Key, inout [UInt8]) -> Void
    private let encode: (Value, inout ProtoWriter) -> Void
    private let decode: (inout ProtoReader) throws -> Value
    /// Whether any entry was written to the spill file (until then, a miss is a miss).
    private var spilled = false
    /// Entries evicted to, and loaded back from, the spill file.
    private(set) var evictions = 0, loads = 0

    init(table: UInt8, spill: AuditSpill?, capacity: Int, keyBytes: @escaping (Key, inout [UInt8]) -> Void,
         encode: @escaping (Value, inout ProtoWriter) -> Void, decode: @escaping (inout ProtoReader) throws -> Value) {
        self.table = table
        self.spill = spill
        self.capacity = spill == nil ? .max : max(1, capacity)
        self.keyBytes = keyBytes
        self.encode = encode
        self.decode = decode
    }

    /// Entries held in memory.
    var residentCount: Int { hot.count }

    /// Keeps `fraction` of the entries now in memory (at least `minimum`) from now on.
    func shrink(keeping fraction: Double, minimum: Int) {
        shrink(to: max(minimum, Int(Double(min(capacity, residentCount)) * fraction)))
    }

    /// Keeps at most `n` (at least 1) entries in memory from now on, evicting the others to
    /// the spill file; nothing without one.
    func shrink(to n: Int) {
        guard spill != nil else { return }
        capacity = max(1, n)
        if hot.count > capacity { evict(hot.count - capacity) }
        // A dictionary keeps its buckets when entries leave: give back those of the old size.
        var smaller = [Key: Box](minimumCapacity: capacity)
        for (key, box) in hot { smaller[key] = box }
        hot = smaller
    }

    private func spillKey(_ key: Key) -> [UInt8] {
        var bytes: [UInt8] = [table]
        bytes.reserveCapacity(24)
        keyBytes(key, &bytes)
        return bytes
    }

    /// The entry's box, in memory or loaded back from the spill file; nil when there is none.
    func box(_ key: Key) -> Box? {
        if let box = hot[key] {
            box.used = true
            return box
        }
        guard spilled, let spill, let (bytes, slot) = spill.load(spillKey(key)) else { return nil }
        let value: Value
        do {
            value = try bytes.withUnsafeBytes { buffer in
                var r = ProtoReader(buffer)
                return try decode(&r)
            }
        } catch {
            preconditionFailure("the auditor's scratch file \(spill.path) holds an entry its own codec cannot read: \(error)")
        }
        loads += 1
        return insert(key, value, slot: slot, absent: false)
    }

    subscript(_ key: Key) -> Value? { box(key)?.value }

    /// Sets the entry of `key` (in memory; evicting others when past the capacity).
    func set(_ key: Key, _ value: Value) {
        if let box = box(key) { box.value = value } else { _ = insert(key, value, slot: nil, absent: true) }
    }

    /// Replaces the entry of `key` (`initial` when it has none) with `transform` of it.
    func update(_ key: Key, initial: Value, _ transform: (Value) -> Value) {
        if let box = box(key) {
            // The value is taken out of its box first, so that the box holds no second
            // reference to its arrays while `transform` changes a copy of it (each change
            // would copy them whole: a tender's bids at every event of the tender).
            var value = initial
            swap(&value, &box.value)
            box.value = transform(value)
        } else {
            _ = insert(key, transform(initial), slot: nil, absent: true)
        }
    }

    /// Removes the entry of `key`.
    func remove(_ key: Key) {
        let box = hot.removeValue(forKey: key)
        if spilled, let spill, box?.absent != true { spill.remove(spillKey(key), at: box?.slot) }
    }

    private func insert(_ key: Key, _ value: Value, slot: AuditSpill.Slot?, absent: Bool) -> Box {
        if hot.count >= capacity { evict(max(1, capacity / 4)) }
        // Before anything was spilled, the spill holds nothing: every new entry is absent there.
        let box = Box(value, slot: slot, absent: absent || !spilled)
        hot[key] = box
        return box
    }

    /// Writes `target` entries to the spill file and drops them from memory: the entries not
    /// used since the last eviction first (clearing the mark of the others), then any.
    private func evict(_ target: Int) {
        guard let spill else { return }
        var keys: [Key] = []
        keys.reserveCapacity(target)
        var w = ProtoWriter(capacity: 256)
        func take(_ key: Key, _ box: Box) {
            w.bytes.removeAll(keepingCapacity: true)
            encode(box.value, &w)
            spill.store(spillKey(key), w.bytes, at: box.slot, absent: box.absent)
            keys.append(key)
        }
        for (key, box) in hot where keys.count < target {
            if box.used { box.used = false } else { take(key, box) }
        }
        if keys.count < target {
            let chosen = Set(keys)
            for (key, box) in hot where keys.count < target && !chosen.contains(key) { take(key, box) }
        }
        for key in keys { hot.removeValue(forKey: key) }
        spilled = true
        evictions += keys.count
    }
}

/// The key of a stream's state: `StreamIDKey` for a name the write side gives (17 bytes, no
/// string kept), else the name. A caller checking many events may find it beforehand
/// (`InvariantAuditor.check(_:stream:key:recordedAt:position:)`).
public enum AuditStreamKey: Hashable, Sendable {
    case id(StreamIDKey)
    case name(String)

    public init(_ stream: String) {
        if let key = StreamIDKey(stream) { self = .id(key) } else { self = .name(stream) }
    }

    func write(to bytes: inout [UInt8]) {
        switch self {
        case .id(let k):
            bytes.append(0)
            bytes.append(k.prefix)
            withUnsafeBytes(of: k.high.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: k.low.bigEndian) { bytes.append(contentsOf: $0) }
        case .name(let name):
            bytes.append(1)
            bytes.append(contentsOf: name.utf8)
        }
    }
}

extension SpillingTable where Key == AuditStreamKey, Value: AuditStateCoding {
    /// Aggregate states by stream.
    convenience init(states table: UInt8, spill: AuditSpill?, capacity: Int) {
        self.init(table: table, spill: spill, capacity: capacity, keyBytes: { $0.write(to: &$1) },
                  encode: { $0.encode(to: &$1) }, decode: { try Value(from: &$0) })
    }

    func evolve(_ key: AuditStreamKey, from initial: Value, _ evolve: (Value) -> Value) {
        update(key, initial: initial, evolve)
    }
}
