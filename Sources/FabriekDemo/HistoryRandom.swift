import Fabriek

/// The generator's source of choices: SplitMix64 from a seed, so that one seed always gives the
/// same history. Not for cryptography.
struct HistoryRandom: RandomNumberGenerator {
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B) }

    mutating func next() -> UInt64 { random.next() }

    /// A uniform integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A uniform integer in `range`.
    mutating func int64(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// One element, chosen with the given weights (same length, positive total).
    mutating func pick<T>(_ items: [T], weights: [Int]) -> T {
        var r = int(0...(weights.reduce(0, +) - 1))
        for (item, w) in zip(items, weights) {
            if r < w { return item }
            r -= w
        }
        return items[items.count - 1]
    }

    /// `count` distinct elements in random order (fewer if the array is shorter).
    mutating func sample<T>(_ items: [T], _ count: Int) -> [T] {
        var copy = items
        var out: [T] = []
        while out.count < count, !copy.isEmpty {
            out.append(copy.remove(at: int(0...(copy.count - 1))))
        }
        return out
    }
}
