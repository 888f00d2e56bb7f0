import EventLog
import Foundation

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
