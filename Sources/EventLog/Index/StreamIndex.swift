/// Stream → positions of its events: the persisted file for the prefix it covers, plus
/// in-memory entries for every commit after it.
struct StreamIndex: Sendable {
    struct DeltaStream: Sendable {
        /// Events the stream had in the file.
        var baseCount: UInt64
        /// Positions of its events after the file's coverage, in version order.
        var positions: [UInt64]
    }

    var file: StreamIndexFile?
    var delta: [String: DeltaStream] = [:]
    private(set) var streamCount: UInt64
    private(set) var inMemoryEvents = 0

    init(file: StreamIndexFile?) {
        self.file = file
        self.streamCount = file?.streamCount ?? 0
    }

    var coveredPosition: UInt64 { file?.coveredPosition ?? 0 }

    /// The stream's version (its number of events); 0 when it does not exist.
    func version(of stream: String) -> UInt64 {
        if let d = delta[stream] { return d.baseCount + UInt64(d.positions.count) }
        return file?.record(of: stream)?.count ?? 0
    }

    /// Positions of versions `from...through` (1-based, inclusive, clamped to the stream).
    func positions(of stream: String, from: UInt64, through: UInt64) -> [UInt64] {
        guard from >= 1, from <= through else { return [] }
        let d = delta[stream]
        var all: [UInt64] = []
        if d == nil || d!.baseCount > 0, let file, let record = file.record(of: stream) {
            all = file.positions(record, limit: through)
        }
        if let d { all.append(contentsOf: d.positions.prefix(Int(min(through, UInt64(Int.max))) - all.count)) }
        guard from <= UInt64(all.count) else { return [] }
        return Array(all[Int(from - 1)..<min(all.count, Int(min(through, UInt64(Int.max))))])
    }

    /// Records one committed event (in position order).
    mutating func record(stream: String, position: UInt64) {
        inMemoryEvents += 1
        if let i = delta.index(forKey: stream) {
            delta.values[i].positions.append(position)
        } else {
            let baseCount = file?.record(of: stream)?.count ?? 0
            if baseCount == 0 { streamCount += 1 }
            delta[stream] = DeltaStream(baseCount: baseCount, positions: [position])
        }
    }
}
