import Foundation

/// The ids of the log's most recent events (a fixed-size window), so that an append with
/// `ExpectedVersion.any` can tell a retry from new events without reading the log: only when
/// one of its ids is in the window are the stream's latest events compared.
///
/// Owned by the writer thread.
struct RecentEventIDs {
    static let capacity = 65_536

    private var set = Set<UUID>()
    private var ring: [UUID] = []
    private var next = 0
    private(set) var isLoaded = false

    /// Fills the window from the tail of the log (once, on first use after open).
    mutating func load(from state: LogState) {
        isLoaded = true
        let head = state.head.position
        guard head > 0 else { return }
        let from = head > UInt64(Self.capacity) ? head - UInt64(Self.capacity) + 1 : 1
        try? BatchReader.forEachEvent(in: state, from: from, through: head) { insert($0.id) }
    }

    func contains(_ id: UUID) -> Bool { set.contains(id) }

    mutating func insert(_ id: UUID) {
        if ring.count < Self.capacity {
            ring.append(id)
        } else {
            set.remove(ring[next])
            ring[next] = id
            next = (next + 1) % Self.capacity
        }
        set.insert(id)
    }
}
