import EventLog
import Hummingbird
import Projections
import Synchronization

/// Answers of read routes kept in memory, so that a read model that did not change answers
/// from memory.
///
/// An answer is stored under its route, its parameters as parsed (so `?a=1&b=2` and
/// `?b=2&a=1` are one entry, while a parameter given twice keeps its order) and the caller's
/// visibility class (whether personal fields are shown: `public`, `personal`), together with
/// the `ServedCheckpoint` of the read it came from. It is used only while its read model serves
/// the same file at the same checkpoint — so every commit projected, and every swap after a
/// rebuild, retires it — and, for an answer that depends on the time (open tenders), only
/// before `validUntil`. The caller's `minPosition` is waited for before the lookup
/// (`QueryResponder.cached`), so a request never gets an answer older than what it asked for.
/// Answers of different visibility classes never meet: the class is part of the key.
///
/// Bounded: at most `maxEntries` answers and `maxBytes` of bodies (an answer over a quarter of
/// that is not kept); when full, it starts again empty.
final class ResponseCache: Sendable {
    /// Who may see what in an answer: part of the key.
    enum Visibility: String, Sendable, Hashable {
        /// No personal field (every role sees the same).
        case `public`
        /// With the personal fields of the member the answer is about (the member themself,
        /// coordinators, admins).
        case personal
    }

    struct Key: Hashable, Sendable {
        var operation: String
        var parameters: Parameters
        var visibility: Visibility
    }

    /// A route's parameters as parsed (any `Hashable & Sendable` value).
    /// `@unchecked Sendable`: made only from `Sendable` values (`init`), never changed.
    struct Parameters: Hashable, @unchecked Sendable {
        private let value: AnyHashable
        init(_ value: some Hashable & Sendable) { self.value = AnyHashable(value) }
    }

    /// A stored answer: what the route computed, and the read it came from.
    struct Entry: Sendable {
        var served: ServedCheckpoint
        var body: ByteBuffer
        var headers: HTTPFields
        /// The answer changes at this instant even without a commit (the first deadline of an
        /// open tender listed); nil when only commits change it.
        var validUntil: Timestamp?
    }

    private struct Store: ~Copyable {
        var entries: [Key: Entry] = [:]
        var bytes = 0
    }

    private let store = Mutex(Store())
    /// Lookups answered from memory, and lookups that were not.
    let hits = Atomic<Int>(0)
    let misses = Atomic<Int>(0)
    let maxEntries: Int
    let maxBytes: Int

    init(maxEntries: Int = 16_384, maxBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The entry for `key` if it came from exactly `served` and is still valid at `now`.
    func lookup(_ key: Key, served: ServedCheckpoint, now: Timestamp) -> Entry? {
        let found: Entry? = store.withLock { s in
            guard let e = s.entries[key], e.served == served else { return nil }
            if let until = e.validUntil, now >= until { return nil }
            return e
        }
        if found == nil { misses.add(1, ordering: .relaxed) } else { hits.add(1, ordering: .relaxed) }
        return found
    }

    /// Stores `entry` unless an entry of a later checkpoint of the same file is there already.
    func store(_ key: Key, _ entry: Entry) {
        let size = entry.body.readableBytes
        guard size <= maxBytes / 4 else { return }
        store.withLock { s in
            if let old = s.entries[key] {
                if old.served.file == entry.served.file && old.served.position > entry.served.position { return }
                s.bytes -= old.body.readableBytes
                s.entries[key] = nil
            }
            if s.entries.count >= maxEntries || s.bytes + size > maxBytes {
                s.entries = [:]
                s.bytes = 0
            }
            s.entries[key] = entry
            s.bytes += size
        }
    }

    /// The number of answers held (for tests).
    var count: Int { store.withLock { $0.entries.count } }
}
