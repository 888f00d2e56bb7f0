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

extension Array where Element == BlockRef {
    /// Index of the block holding `position` (which must be within the table).
    func blockIndex(containing position: UInt64) -> Int? {
        var lo = 0, hi = count - 1
        guard hi >= 0, position >= self[0].firstPosition else { return nil }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if self[mid].firstPosition <= position { lo = mid } else { hi = mid - 1 }
        }
        return position <= self[lo].lastPosition ? lo : nil
    }
}

extension Array where Element == BatchRef {
    /// Index of the batch holding `position`.
    func batchIndex(containing position: UInt64) -> Int? {
        var lo = 0, hi = count - 1
        guard hi >= 0, position >= self[0].firstPosition else { return nil }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if self[mid].firstPosition <= position { lo = mid } else { hi = mid - 1 }
        }
        return position <= self[lo].lastPosition ? lo : nil
    }

    /// Index of the last batch whose first event was recorded at or before `instant`.
    func lastBatch(recordedAtOrBefore instant: Int64) -> Int? {
        var lo = 0, hi = count - 1
        guard hi >= 0, self[0].firstRecordedAt <= instant else { return nil }
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if self[mid].firstRecordedAt <= instant { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}
