import Dispatch
import Synchronization

/// The committed state of recently used streams, each as folded from the stream's first
/// `version` events of the log, so that a command folds only the events after them. Only
/// committed events (read from the log) go in, so a state here is exact for its version;
/// accepted but not yet durable events stay in the pipeline's overlay.
///
/// Bounded: at most `capacity` streams, in two generations. New and used states go into the
/// young one; when it holds half the capacity it becomes the old one and the old one is
/// dropped, its memory released on a utility queue (not on the caller's thread: callers decide
/// commands under the pipeline's lock). A state used while old moves back to the young
/// generation, so the streams in use (a tender taking bids, a member updating a profile) stay
/// folded while streams written once (each new activity) leave, and a busy stream is not read
/// back from the log under the pipeline's lock because others filled the table.
final class FoldedStates: Sendable {
    private struct Folded: Sendable {
        var decider: ObjectIdentifier
        var version: UInt64
        var state: any Sendable
    }

    private struct Generations: ~Copyable {
        var young: [String: Folded]
        var old: [String: Folded] = [:]

        /// Puts `folded` in the young generation (out of the old one); returns the retired
        /// generation when the young one was full and became the old one.
        mutating func insertYoung(_ stream: String, _ folded: Folded, limit: Int) -> [String: Folded]? {
            old[stream] = nil
            var retired: [String: Folded]?
            if young.count >= limit && young[stream] == nil {
                retired = old
                old = young
                young = Dictionary(minimumCapacity: limit)
            }
            young[stream] = folded
            return retired
        }
    }

    private let states: Mutex<Generations>
    let capacity: Int
    /// Streams per generation.
    private var limit: Int { max(1, capacity / 2) }

    init(capacity: Int = 20_000) {
        self.capacity = capacity
        states = Mutex(Generations(young: Dictionary(minimumCapacity: max(1, capacity / 2))))
    }

    /// The state of `stream` as folded by `D`, and its version; nil when not kept.
    func state<D: Decider>(_ decider: D.Type, stream: String) -> (D.State, UInt64)? {
        let limit = limit
        let (found, retired): (Folded?, [String: Folded]?) = states.withLock { g in
            if let f = g.young[stream] { return (f, nil) }
            guard let f = g.old[stream] else { return (nil, nil) }
            return (f, g.insertYoung(stream, f, limit: limit))
        }
        release(retired)
        guard let f = found, f.decider == ObjectIdentifier(D.self), let state = f.state as? D.State else { return nil }
        return (state, f.version)
    }

    /// Keeps `state`, folded by `D` from `stream`'s first `version` events.
    func keep<D: Decider>(_ decider: D.Type, stream: String, state: D.State, version: UInt64) {
        let limit = limit
        let retired: [String: Folded]? = states.withLock { g in
            if let old = g.young[stream] ?? g.old[stream], old.decider == ObjectIdentifier(D.self), old.version > version {
                return nil
            }
            return g.insertYoung(stream, Folded(decider: ObjectIdentifier(D.self), version: version, state: state), limit: limit)
        }
        release(retired)
    }

    /// The number of streams kept (for tests).
    var count: Int { states.withLock { $0.young.count + $0.old.count } }

    /// Drops a retired generation on the utility queue (freeing thousands of states and their
    /// keys takes milliseconds).
    private func release(_ retired: [String: Folded]?) {
        guard let retired else { return }
        Self.reaper.async { withExtendedLifetime(retired) {} }
    }

    private static let reaper = DispatchQueue(label: "fabriek-folded-states-release", qos: .utility)
}
