import EventLog

/// Events per second over a sliding window of the last few (time, position) samples, and the
/// time left to reach a target at that rate. A value type fed by its single owner.
struct RateMeter: Sendable {
    private var samples: [(time: Int64, position: UInt64)] = []
    let window: Int

    init(window: Int = 16) { self.window = max(2, window) }

    mutating func record(position: UInt64, at time: Timestamp) {
        samples.append((time.microsecondsSinceEpoch, position))
        if samples.count > window { samples.removeFirst(samples.count - window) }
    }

    mutating func reset() { samples.removeAll() }

    /// nil until two samples with different times exist.
    var eventsPerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.time > first.time,
              last.position >= first.position else { return nil }
        return Double(last.position - first.position) * 1_000_000 / Double(last.time - first.time)
    }

    /// Seconds to go from `position` to `target` at the current rate; nil without a rate.
    func eta(from position: UInt64, to target: UInt64) -> Double? {
        guard let rate = eventsPerSecond, rate > 0 else { return nil }
        return Double(target > position ? target - position : 0) / rate
    }
}
