import Foundation

extension EventLog {
    /// Counts events by type (a full scan) and sums file sizes.
    public func statistics() throws -> LogStatistics {
        let (head, streams, segments, batches) = state.withLock {
            ($0.head.position, $0.index.streamCount, $0.segments.count, $0.batches.count)
        }
        var byType: [String: UInt64] = [:]
        try forEachEvent(from: 1, through: head) { byType[$0.type, default: 0] += 1 }
        return LogStatistics(events: head, streams: streams, segments: segments, batches: batches,
                             bytesOnDisk: Self.bytesOnDisk(directory), eventsByType: byType)
    }

    /// Total size of the regular files under `directory`.
    public static func bytesOnDisk(_ directory: String) -> UInt64 {
        var total: UInt64 = 0
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return 0 }
        while let name = walker.nextObject() as? String {
            if let attrs = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name),
               (attrs[.type] as? FileAttributeType) == .typeRegular {
                total += (attrs[.size] as? NSNumber)?.uint64Value ?? 0
            }
        }
        return total
    }
}
