import Crypto

/// Computes a batch's chain hash: SHA-256 over the previous hash, the batch's first position,
/// event count, first recorded-at, and its canonical (uncompressed) content.
struct ChainHasher {
    private var sha = SHA256()

    init(previous: ChainHash, firstPosition: UInt64, eventCount: UInt32, firstRecordedAt: Int64) {
        previous.bytes.withUnsafeBytes { sha.update(bufferPointer: $0) }
        var w = ByteWriter(capacity: 20)
        w.append(firstPosition)
        w.append(eventCount)
        w.append(firstRecordedAt)
        w.bytes.withUnsafeBytes { sha.update(bufferPointer: $0) }
    }

    mutating func update(_ content: UnsafeRawBufferPointer) {
        sha.update(bufferPointer: content)
    }

    consuming func finalize() -> ChainHash {
        ChainHash(unchecked: Array(sha.finalize()))
    }
}
