/// Where one commit lives on disk. The batch table is the time index too: recorded-at never
/// decreases along it.
struct BatchRef: Sendable {
    var firstPosition: UInt64
    var eventCount: UInt32
    var segmentIndex: UInt32
    var recordOffset: UInt32
    var firstRecordedAt: Int64
    var lastRecordedAt: Int64

    var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
}

/// Where one compressed block lives, with the dictionary it needs. Blocks are the unit of
/// random reads.
struct BlockRef: Sendable {
    var firstPosition: UInt64
    var batchFirstRecordedAt: Int64
    var segmentIndex: UInt32
    var dataOffset: UInt32
    var storedLength: UInt32
    var rawLength: UInt32
    var dictionaryOffset: UInt32
    var eventCount: UInt32

    var lastPosition: UInt64 { firstPosition + UInt64(eventCount) - 1 }
}

/// Blocks and batches: each holds the positions `firstPosition...lastPosition`.
protocol PositionRange {
    var firstPosition: UInt64 { get }
    var lastPosition: UInt64 { get }
}

extension BlockRef: PositionRange {}
extension BatchRef: PositionRange {}

extension Array {
    /// The last index whose element satisfies `isInPrefix`, a predicate that holds for a prefix
    /// of the array and not after it (binary search); nil when it holds for none.
    @inline(__always)
    func lastIndex(inPrefix isInPrefix: (Element) -> Bool) -> Int? {
        guard let first = self.first, isInPrefix(first) else { return nil }
        var lo = 0, hi = count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if isInPrefix(self[mid]) { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}

extension Array where Element: PositionRange {
    /// Index of the block or batch holding `position`, in a table ordered by position.
    func index(holding position: UInt64) -> Int? {
        guard let i = lastIndex(inPrefix: { $0.firstPosition <= position }), position <= self[i].lastPosition else { return nil }
        return i
    }
}

extension Array where Element == BatchRef {
    /// Index of the last batch whose first event was recorded at or before `instant`.
    func lastBatch(recordedAtOrBefore instant: Int64) -> Int? {
        lastIndex(inPrefix: { $0.firstRecordedAt <= instant })
    }
}
