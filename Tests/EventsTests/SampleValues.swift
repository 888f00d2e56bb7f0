import EventLog
import Events
import Foundation

/// The field values of the generated samples (`sample(_:)` of every catalogue type,
/// CatalogueSamples.swift), one kind of the catalogue's field notation per method.
///
/// `least` gives the smallest event of a type (optionals absent, repeated fields empty, zero,
/// empty and first values), `most` the fullest (every optional present, three of each
/// repeated field, the largest values of each kind), `random` a mix drawn from both ends and
/// the middle of every kind, reproducibly from its seed.
struct SampleValues {
    enum Mode: Sendable, CustomStringConvertible {
        case least, most, random(seed: UInt64)

        var description: String {
            switch self {
            case .least: return "least"
            case .most: return "most"
            case .random(let seed): return "random \(seed)"
            }
        }
    }

    let mode: Mode
    private var state: UInt64

    init(_ mode: Mode) {
        self.mode = mode
        if case .random(let seed) = mode { state = seed } else { state = 0 }
    }

    /// SplitMix64: the next pseudo-random word.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `values.first` for `least`, `values.last` for `most`, any of them for `random`.
    private mutating func pick<T>(_ values: [T]) -> T {
        switch mode {
        case .least: return values[0]
        case .most: return values[values.count - 1]
        case .random: return values[Int(next() % UInt64(values.count))]
        }
    }

    // MARK: optional and repeated fields

    mutating func optional<T>(_ make: (inout SampleValues) -> T) -> T? {
        switch mode {
        case .least: return nil
        case .most: return make(&self)
        case .random: return next() & 1 == 0 ? nil : make(&self)
        }
    }

    mutating func repeated<T>(_ make: (inout SampleValues) -> T) -> [T] {
        let count: Int
        switch mode {
        case .least: count = 0
        case .most: count = 3
        case .random: count = Int(next() % 4)
        }
        return (0..<count).map { _ in make(&self) }
    }

    // MARK: the kinds of the catalogue (tools/events-codegen/catalogue.py)

    mutating func uuid() -> UUID {
        switch mode {
        case .least: return UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        case .most: return UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
        case .random:
            var words = (next(), next())
            return withUnsafeBytes(of: &words) { UUID(uuid: $0.load(as: uuid_t.self)) }
        }
    }

    /// Empty, ASCII and not, around Swift's 15-byte small-string limit, escapes JSON must
    /// write, a combining accent, and a string longer than 127 bytes (a wide length prefix).
    mutating func string() -> String {
        pick(["", "a", "NL", "Wittevrouwenveld", "abcdefghijklmno", "Céramique", "e\u{301}", "💶 & ß",
              "quote \" back\\slash\nline\u{0}tab\t", "\u{7F}\u{80}\u{FFFF}", String(repeating: "Maastricht ", count: 30)])
    }

    mutating func bool() -> Bool { pick([false, true]) }
    mutating func int64() -> Int64 { pick([0, 1, -1, 127, 128, -300, 1 << 53, Int64.min, Int64.max]) }
    mutating func uint32() -> UInt32 { pick([0, 1, 127, 128, 1 << 31, UInt32.max]) }
    mutating func uint64() -> UInt64 { pick([0, 1, 128, 1 << 63, UInt64.max]) }
    mutating func day() -> Day { Day(daysSinceEpoch: pick([0, 1, -1, 20_000, 2_932_896, Int32.min, Int32.max])) }
    mutating func timestamp() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: pick([0, 1, -1, 1_777_456_800_123_456, Int64.min, Int64.max]))
    }
    mutating func bytes() -> [UInt8] { pick([[], [0], Array(0...255), Array(repeating: 0xA5, count: 300)]) }
    mutating func country() -> CountryCode { CountryCode(rawValue: pick(["", "NL", "BE", "DE", "FR", "nl", "XYZ", "É"])) }
    /// Erased (empty), a typical sealed box and one longer than 127 bytes.
    mutating func sealed() -> SealedData {
        SealedData(bytes: pick([[], Array(0..<60), (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 7) }]))
    }
    mutating func enumCase<E: CaseIterable>(_ type: E.Type) -> E { pick(Array(E.allCases)) }
}
