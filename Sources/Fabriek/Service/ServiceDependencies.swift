import EventLog
import Foundation
import Synchronization

/// The service's source of "now". Decisions (deadlines, standstill periods) use only this,
/// never a time sent by a client; tests and replays inject a fixed or stepping clock.
public struct ServiceClock: Sendable {
    public var now: @Sendable () -> Timestamp

    public init(now: @escaping @Sendable () -> Timestamp) { self.now = now }

    public static let system = ServiceClock { Timestamp.now() }

    /// Always the same instant.
    public static func fixed(_ instant: Timestamp) -> ServiceClock { ServiceClock { instant } }
}

/// The source of event ids. Tests and the demo generator use a seeded, reproducible one.
public struct IDGenerator: Sendable {
    public var next: @Sendable () -> UUID

    public init(next: @escaping @Sendable () -> UUID) { self.next = next }

    public static let random = IDGenerator { UUID.random() }

    /// Deterministic version-4-shaped UUIDs from a seed (SplitMix64), safe to share between tasks.
    public static func seeded(_ seed: UInt64) -> IDGenerator {
        let state = SeededState(seed)
        return IDGenerator { state.nextUUID() }
    }
}

extension UUID {
    /// A random version-4 UUID from the system's generator (`getrandom`/`arc4random`).
    /// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every id:
    /// about 3% of a command's CPU under load, part of it under the pipeline's lock.
    public static func random() -> UUID {
        var rng = SystemRandomNumberGenerator()
        var high = rng.next() as UInt64
        var low = rng.next() as UInt64
        high = (high & ~0xF000) | 0x4000                      // version 4 (byte 6, high nibble)
        low = (low & 0xFFFF_FFFF_FFFF_FF3F) | 0x80            // RFC 4122 variant (byte 8, top bits)
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { out in
            withUnsafeBytes(of: high.bigEndian) { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
            withUnsafeBytes(of: low.littleEndian) { (out.baseAddress! + 8).copyMemory(from: $0.baseAddress!, byteCount: 8) }
        }
        return UUID(uuid: uuid)
    }
}

/// A SplitMix64 stream behind a lock.
final class SeededState: @unchecked Sendable {
    private let lock = NSLock()
    private var random: SplitMix64

    init(_ seed: UInt64) { random = SplitMix64(seed: seed) }

    func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return random.next()
    }

    func nextUUID() -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: next().littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
        withUnsafeBytes(of: next().littleEndian) { for i in 0..<8 { bytes[8 + i] = $0[i] } }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// Who issued a command, recorded in every event's metadata for auditors.
public struct CommandMetadata: Sendable, Hashable {
    public var actor: String
    public var role: String
    public var correlationID: UUID?
    public var causationID: UUID?

    public init(actor: String, role: String, correlationID: UUID? = nil, causationID: UUID? = nil) {
        self.actor = actor
        self.role = role
        self.correlationID = correlationID
        self.causationID = causationID
    }

    public static let system = CommandMetadata(actor: "system", role: "admin")

    /// The metadata field that records a command's idempotency key (`CommandOptions`).
    public static let idempotencyKeyField = "idempotencyKey"

    var dictionary: [String: String] {
        var d = [MetadataKey.actor: actor, MetadataKey.role: role]
        if let c = correlationID { d[MetadataKey.correlationID] = c.uuidString.lowercased() }
        if let c = causationID { d[MetadataKey.causationID] = c.uuidString.lowercased() }
        return d
    }
}

extension UUID {
    /// A version-7 UUID (RFC 9562): 48 bits of Unix time in milliseconds, 12 bits of the
    /// millisecond's fraction, then 62 random bits. The ids of entities the service creates
    /// (bids, members, tenders, ...) sort by creation time, so a read model's B-tree keyed by
    /// such an id grows at its end: a batch of new bids dirties a few leaf pages instead of one
    /// random leaf per bid. Strictly increasing within the process, also when the clock steps
    /// back or two ids fall in the same 1/4096 ms.
    public static func timeOrdered() -> UUID {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = UInt64(max(0, now.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, now.tv_nsec))
        let milliseconds = nanoseconds / 1_000_000
        let fraction = (nanoseconds % 1_000_000) * 4096 / 1_000_000
        let tick = TimeOrderedTicks.next(after: (milliseconds << 12) | fraction)
        var rng = SystemRandomNumberGenerator()
        let random = rng.next() as UInt64
        // bits 127...68: the tick (ms << 12 | fraction) with the version nibble 0111 inserted
        // after the 48 bits of milliseconds; bits 63...0: variant 10 and 62 random bits.
        let high = ((tick >> 12) << 16) | 0x7000 | (tick & 0xFFF)
        let low = (random & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { out in
            withUnsafeBytes(of: high.bigEndian) { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8) }
            withUnsafeBytes(of: low.bigEndian) { (out.baseAddress! + 8).copyMemory(from: $0.baseAddress!, byteCount: 8) }
        }
        return UUID(uuid: uuid)
    }
}

/// The last tick (milliseconds << 12 | fraction) `UUID.timeOrdered` used in this process.
private enum TimeOrderedTicks {
    static let last = Atomic<UInt64>(0)

    /// `clock`, or one more than the last tick when the clock has not passed it.
    static func next(after clock: UInt64) -> UInt64 {
        var seen = last.load(ordering: .relaxed)
        while true {
            let tick = Swift.max(clock, seen &+ 1)
            let (exchanged, current) = last.compareExchange(expected: seen, desired: tick, ordering: .relaxed)
            if exchanged { return tick }
            seen = current
        }
    }
}
