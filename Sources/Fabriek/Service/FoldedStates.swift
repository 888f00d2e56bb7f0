import Synchronization

/// The committed state of recently used streams, each as folded from the stream's first
/// `version` events of the log, so that a command folds only the events after them. Only
/// committed events (read from the log) go in, so a state here is exact for its version;
/// accepted but not yet durable events stay in the pipeline's overlay. Bounded: at most
/// `capacity` streams, then it starts again empty.
final class FoldedStates: Sendable {
    private struct Folded: Sendable {
        var decider: ObjectIdentifier
        var version: UInt64
        var state: any Sendable
    }

    private let states = Mutex<[String: Folded]>([:])
    let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// The state of `stream` as folded by `D`, and its version; nil when not kept.
    func state<D: Decider>(_ decider: D.Type, stream: String) -> (D.State, UInt64)? {
        guard let f = states.withLock({ $0[stream] }), f.decider == ObjectIdentifier(D.self), let state = f.state as? D.State else {
            return nil
        }
        return (state, f.version)
    }

    /// Keeps `state`, folded by `D` from `stream`'s first `version` events.
    func keep<D: Decider>(_ decider: D.Type, stream: String, state: D.State, version: UInt64) {
        states.withLock { s in
            if s.count >= capacity && s[stream] == nil { s = [:] }
            if let old = s[stream], old.decider == ObjectIdentifier(D.self), old.version > version { return }
            s[stream] = Folded(decider: ObjectIdentifier(D.self), version: version, state: state)
        }
    }
}
