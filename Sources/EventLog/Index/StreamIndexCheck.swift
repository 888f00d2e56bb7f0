/// Checks a stream index against the events of the log as a walk meets them, in bounded memory
/// (a few MB, not an index of the whole log): each event's (stream key, version, position) is
/// collected into chunks; a chunk is sorted by stream and version, and each stream's positions
/// for the versions it holds are read from the index once and compared. Completeness is checked
/// by counts: every stream has exactly one event of version 1 and one whose version is the
/// stream's last, so with every event found at its version, the index holds nothing more when
/// both counts equal its stream count.
struct StreamIndexCheck {
    private struct Seen {
        var key: IndexHashing.Key
        var version: UInt64
        var position: UInt64
    }

    static let chunk = 1 << 18

    let index: StreamIndex
    private var pending: [Seen] = []
    private var firstVersions: UInt64 = 0
    private var lastVersions: UInt64 = 0
    private(set) var problem: String?

    init(_ index: StreamIndex) {
        self.index = index
        pending.reserveCapacity(Self.chunk)
    }

    mutating func record(key: IndexHashing.Key, version: UInt64, position: UInt64) {
        guard problem == nil else { return }
        pending.append(Seen(key: key, version: version, position: position))
        if pending.count >= Self.chunk { flush() }
    }

    private mutating func flush() {
        pending.sort { ($0.key.hash, $0.key.check, $0.version) < ($1.key.hash, $1.key.check, $1.version) }
        var i = 0
        while i < pending.count && problem == nil {
            var j = i + 1
            while j < pending.count && pending[j].key == pending[i].key { j += 1 }
            let key = pending[i].key
            let low = pending[i].version, high = pending[j - 1].version
            let positions = low >= 1 ? index.positions(of: key, from: low, through: high) : []
            let last = index.version(of: key)
            for seen in pending[i..<j] {
                let k = Int(seen.version &- low)
                guard seen.version >= 1, k < positions.count, positions[k] == seen.position else {
                    let says = seen.version >= 1 && k < positions.count ? "position \(positions[k])" : "nothing"
                    problem = "the stream index (index/streams.idx) does not match the log: for version \(seen.version) of the "
                        + "stream of the event at position \(seen.position) it gives \(says)"
                    break
                }
                if seen.version == 1 { firstVersions += 1 }
                if seen.version == last { lastVersions += 1 }
            }
            i = j
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// The problem found, after the last events; with `complete` (the walk saw the whole log),
    /// also when the index holds more streams or events than the log.
    mutating func finish(complete: Bool) -> String? {
        flush()
        guard problem == nil && complete else { return problem }
        if firstVersions != index.streamCount {
            problem = "the stream index (index/streams.idx) does not match the log: it counts \(index.streamCount) streams, "
                + "the log has \(firstVersions)"
        } else if lastVersions != index.streamCount {
            problem = "the stream index (index/streams.idx) does not match the log: it holds more events than the log for "
                + "\(index.streamCount - min(index.streamCount, lastVersions)) stream(s)"
        }
        return problem
    }
}
