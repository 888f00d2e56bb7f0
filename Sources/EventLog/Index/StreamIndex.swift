import Foundation

/// Stream → positions and event id → position: the persisted file for the prefix it covers,
/// plus in-memory entries for every commit after it.
struct StreamIndex: Sendable {
    struct DeltaStream: Sendable {
        /// Events the stream had in the file.
        var baseCount: UInt64
        /// Positions of its events after the file's coverage, in version order.
        var positions: [UInt64]
    }

    var file: StreamIndexFile?
    var delta: [String: DeltaStream] = [:]
    var ids: [UUID: UInt64] = [:]
    private(set) var streamCount: UInt64

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

    /// The position of the stream's event with `version` (1-based).
    func position(of stream: String, version: UInt64) -> UInt64? {
        guard version >= 1 else { return nil }
        let d = delta[stream]
        let record = file?.record(of: stream)
        let baseCount = d?.baseCount ?? record?.count ?? 0
        if version <= baseCount, let file, let record { return file.position(record, at: version - 1) }
        let i = Int(version - baseCount - 1)
        guard let d, i < d.positions.count else { return nil }
        return d.positions[i]
    }

    /// Positions of versions `from...through` (1-based, inclusive, clamped to the stream).
    func positions(of stream: String, from: UInt64, through: UInt64) -> [UInt64] {
        let d = delta[stream]
        let record = file?.record(of: stream)
        let baseCount = d?.baseCount ?? record?.count ?? 0
        let total = baseCount + UInt64(d?.positions.count ?? 0)
        let last = Swift.min(through, total)
        guard from >= 1, from <= last else { return [] }
        var out: [UInt64] = []
        out.reserveCapacity(Int(last - from + 1))
        for v in from...last {
            if v <= baseCount, let file, let record { out.append(file.position(record, at: v - 1)) }
            else if let d { out.append(d.positions[Int(v - baseCount - 1)]) }
        }
        return out
    }

    func position(ofEvent id: UUID) -> UInt64? {
        if let p = ids[id] { return p }
        return file?.position(ofEvent: id)
    }

    /// Records one committed event (in position order).
    mutating func record(stream: String, position: UInt64, id: UUID) {
        ids[id] = position
        if delta[stream] != nil {
            delta[stream]!.positions.append(position)
        } else {
            let baseCount = file?.record(of: stream)?.count ?? 0
            if baseCount == 0 { streamCount += 1 }
            delta[stream] = DeltaStream(baseCount: baseCount, positions: [position])
        }
    }

    /// Number of events indexed in memory only (not yet in the file).
    var inMemoryEvents: Int { ids.count }
}
