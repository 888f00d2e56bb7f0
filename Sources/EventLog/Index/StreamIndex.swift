/// Stream → positions of its events: the persisted file for the prefix it covers, plus
/// in-memory entries for every commit after it.
///
/// Streams are identified by their 96-bit `IndexHashing.Key`, computed once per append. The
/// in-memory part is a `KeyedTable` of streams whose positions live in one shared pool of
/// nodes, each pointing back to the stream's previous node: recording an event appends one node
/// and allocates nothing per stream. Reads walk a stream's list backwards, which is cheapest
/// for its latest events (what appends check).
///
/// A value type: `LogState` holds it under its lock, and a copy (the snapshot that persisting
/// takes) stays unchanged while the writer keeps recording, by the arrays' copy-on-write.
struct StreamIndex: Sendable {
    /// A stream with events after the file's coverage.
    struct Stream: Sendable {
        /// Events the stream had in the file.
        var baseCount: UInt64
        /// Events after the file's coverage.
        var count: UInt64
        /// The node of its last event.
        var lastNode: Int
    }

    /// One event after the file's coverage.
    struct Node: Sendable {
        var position: UInt64
        /// The node of the stream's previous event; -1 for its first in memory.
        var previous: Int
    }

    let file: StreamIndexFile?
    /// `file`'s table: lookups read it without reference counting.
    private let fileTable: StreamIndexFile.Table?
    private var streams = KeyedTable<Stream>()
    private var nodes: [Node] = []
    private(set) var streamCount: UInt64

    init(file: StreamIndexFile?) {
        self.file = file
        fileTable = file?.table
        self.streamCount = file?.streamCount ?? 0
    }

    var coveredPosition: UInt64 { file?.coveredPosition ?? 0 }

    /// Events indexed only in memory (not in the file).
    var inMemoryEvents: Int { nodes.count }

    /// The last position recorded in memory; 0 when none.
    var lastRecordedPosition: UInt64 { nodes.last?.position ?? 0 }

    /// The stream's version (its number of events); 0 when it does not exist.
    func version(of key: IndexHashing.Key) -> UInt64 {
        if let i = streams.index(of: key) {
            let s = streams[i]
            return s.baseCount + s.count
        }
        return fileTable?.record(of: key)?.count ?? 0
    }

    func version(of stream: String) -> UInt64 { version(of: IndexHashing.key(stream)) }

    /// The first step of looking `key` up ahead of time (`version(of:)` and `record` read
    /// from hash tables and a mapped file far larger than the caches: each lookup met two to
    /// four cache misses one after another): starts loading the in-memory table's slot and the
    /// file's bucket-table entry. `prefetchDeeper` a little later, then the lookup.
    @inline(__always)
    func prefetch(_ key: IndexHashing.Key) {
        streams.prefetchSlot(of: key)
        if let fileTable { fileTable.prefetchBucket(of: key) }
    }

    /// Starts loading `key`'s slot in the in-memory table only (ahead of `record`).
    @inline(__always)
    func prefetchSlot(_ key: IndexHashing.Key) { streams.prefetchSlot(of: key) }

    /// Starts loading `key`'s in-memory entry when the slots name one (ahead of `record`).
    @inline(__always)
    func prefetchEntry(_ key: IndexHashing.Key) { _ = streams.prefetchEntry(of: key) }

    /// The second step: starts loading the stream's in-memory entry when the slots name one,
    /// otherwise the file's keys and records for it.
    @inline(__always)
    func prefetchDeeper(_ key: IndexHashing.Key) {
        if !streams.prefetchEntry(of: key), let fileTable { fileTable.prefetchEntries(of: key) }
    }

    /// Positions of versions `from...through` (1-based, inclusive, clamped to the stream).
    func positions(of key: IndexHashing.Key, from: UInt64, through: UInt64) -> [UInt64] {
        guard from >= 1, from <= through else { return [] }
        let memory = streams.index(of: key).map { streams[$0] }
        var out: [UInt64] = []
        if memory.map({ $0.baseCount > 0 }) ?? true, let fileTable, let record = fileTable.record(of: key) {
            out = fileTable.positions(record, from: from, through: through)
        }
        if let memory {
            appendPositions(of: memory, from: from, through: through, to: &out)
        }
        return out
    }

    func positions(of stream: String, from: UInt64, through: UInt64) -> [UInt64] {
        positions(of: IndexHashing.key(stream), from: from, through: through)
    }

    /// Records one committed event (in position order). `version`, the event's stream version
    /// when the caller knows it (the writer), spares a lookup in the file for a stream not in
    /// memory: all its earlier events are in the file.
    mutating func record(key: IndexHashing.Key, position: UInt64, version: UInt64? = nil) {
        let node = nodes.count
        let (i, inserted) = streams.insert(key, Stream(baseCount: 0, count: 0, lastNode: -1))
        if inserted {
            let baseCount = version.map { $0 - 1 } ?? fileTable?.record(of: key)?.count ?? 0
            if baseCount == 0 { streamCount += 1 }
            streams[i].baseCount = baseCount
        }
        var stream = streams[i]
        nodes.append(Node(position: position, previous: stream.lastNode))
        stream.count += 1
        stream.lastNode = node
        streams[i] = stream
    }

    /// The streams with events in memory, in no particular order.
    var streamEntries: [KeyedTable<Stream>.Entry] { streams.entries }

    /// The streams with events in memory, sorted by key (the order of the index file).
    func inMemoryStreamsByKey() -> [KeyedTable<Stream>.Entry] {
        streams.entries.sorted { ($0.key.hash, $0.key.check) < ($1.key.hash, $1.key.check) }
    }

    /// The position of `stream`'s first in-memory event.
    func firstPosition(of stream: Stream) -> UInt64 {
        nodes.withUnsafeBufferPointer { nodes in
            var node = stream.lastNode
            for _ in 1..<stream.count { node = nodes[node].previous }
            return nodes[node].position
        }
    }

    /// This index with `file` in place of the first `coveredEvents` in-memory events, which it
    /// must cover exactly (a checkpoint written from a copy of this index taken when it held
    /// `coveredEvents` in memory, adopted while the writer went on recording). Streams whose
    /// in-memory events all fall in the file leave memory; the others keep their later events,
    /// counted after the file's. Costs a pass over the in-memory streams and the later events.
    func rebased(onto file: StreamIndexFile, coveredEvents: Int) -> StreamIndex {
        precondition(coveredEvents <= nodes.count, "a checkpoint covers events recorded before it")
        var rebased = StreamIndex(file: file)
        rebased.streamCount = streamCount
        rebased.nodes.reserveCapacity(nodes.count - coveredEvents)
        for node in nodes[coveredEvents...] {
            rebased.nodes.append(Node(position: node.position,
                                      previous: node.previous >= coveredEvents ? node.previous - coveredEvents : -1))
        }
        var later = 0
        for entry in streams.entries where entry.value.lastNode >= coveredEvents { later += 1 }
        rebased.streams = KeyedTable(minimumCapacity: later)
        rebased.nodes.withUnsafeBufferPointer { newNodes in
            for entry in streams.entries where entry.value.lastNode >= coveredEvents {
                var count: UInt64 = 1
                var node = entry.value.lastNode - coveredEvents
                while newNodes[node].previous >= 0 {
                    node = newNodes[node].previous
                    count += 1
                }
                let s = entry.value
                _ = rebased.streams.insert(entry.key, Stream(baseCount: s.baseCount + s.count - count, count: count,
                                                             lastNode: s.lastNode - coveredEvents))
            }
        }
        return rebased
    }

    /// Appends the positions of `stream`'s in-memory versions within `from...through`, in
    /// version order.
    func appendPositions(of stream: Stream, from: UInt64 = 1, through: UInt64 = .max, to out: inout [UInt64]) {
        let last = stream.baseCount + stream.count
        let low = max(from, stream.baseCount + 1), high = min(through, last)
        guard low <= high else { return }
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: Int(high - low + 1)))
        nodes.withUnsafeBufferPointer { nodes in
            var node = stream.lastNode
            var version = last
            while version > high {
                node = nodes[node].previous
                version -= 1
            }
            var k = out.count - 1
            while k >= start {
                out[k] = nodes[node].position
                node = nodes[node].previous
                k -= 1
            }
        }
    }
}
