import EventLog
import Foundation
import Synchronization

/// Small builders that keep the tests about behaviour, not setup.
enum Fixture {
    /// An event whose payload and metadata are derived from `label`, so a read-back can be
    /// compared field by field.
    static func event(_ label: String, type: String = "Tested", schemaVersion: UInt32 = 1,
                      metadata: [String: String]? = nil, payload: [UInt8]? = nil,
                      id: UUID = UUID()) -> ProposedEvent {
        ProposedEvent(id: id, type: type, schemaVersion: schemaVersion,
                      metadata: metadata ?? [MetadataKey.actor: "tester", MetadataKey.correlationID: label],
                      payload: payload ?? Array("{\"label\":\"\(label)\"}".utf8))
    }

    static func events(_ count: Int, prefix: String = "e") -> [ProposedEvent] {
        (0..<count).map { event("\(prefix)\($0)") }
    }

    static func options(segmentSize: Int = 128 << 20, durability: EventLog.Durability = .fsync,
                        readOnly: Bool = false,
                        clock: @escaping @Sendable () -> Timestamp = Timestamp.now) -> EventLog.Options {
        EventLog.Options(segmentSize: segmentSize, durability: durability, readOnly: readOnly, clock: clock)
    }

    /// Every event of the log, in position order.
    static func allEvents(_ log: EventLog) throws -> [RecordedEvent] {
        try log.read(from: 1, maxCount: Int(clamping: log.head().position))
    }
}

/// A clock the test sets by hand; the log reads it through `Options.clock`.
final class ManualClock: Sendable {
    private let current: Mutex<Int64>

    init(_ start: Int64 = 1_700_000_000_000_000) { current = Mutex(start) }

    var now: Timestamp { Timestamp(microsecondsSinceEpoch: current.withLock { $0 }) }

    func set(_ micros: Int64) { current.withLock { $0 = micros } }

    var reading: @Sendable () -> Timestamp {
        { [self] in self.now }
    }
}

/// A deterministic generator (SplitMix64), so a failing round can be replayed from its seed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
