import CLZ4

/// LZ4 block compression with an optional dictionary (the recent content of the log), so that
/// even a commit of one small event compresses well while every block stays independently
/// decodable.
///
/// Not thread-safe: owned by the log writer.
final class BlockCompressor {
    private let dictionaryStream: UnsafeMutablePointer<LZ4_stream_t>
    private let workStream: UnsafeMutablePointer<LZ4_stream_t>
    private let dictionary: UnsafeMutableRawPointer
    private(set) var dictionaryLength = 0

    init() {
        dictionaryStream = .allocate(capacity: 1)
        workStream = .allocate(capacity: 1)
        dictionary = .allocate(byteCount: DictionaryRecord.maxSize, alignment: 16)
        LZ4_initStream(dictionaryStream, MemoryLayout<LZ4_stream_t>.size)
    }

    deinit {
        dictionaryStream.deallocate()
        workStream.deallocate()
        dictionary.deallocate()
    }

    /// Uses `bytes` (at most 64 KiB) as the dictionary of the blocks compressed from now on.
    func setDictionary(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= DictionaryRecord.maxSize)
        if bytes.count > 0 { dictionary.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        dictionaryLength = bytes.count
        LZ4_initStream(dictionaryStream, MemoryLayout<LZ4_stream_t>.size)
        if bytes.count > 0 {
            _ = LZ4_loadDict(dictionaryStream, dictionary.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        }
    }

    func clearDictionary() { setDictionary(UnsafeRawBufferPointer(start: nil, count: 0)) }

    static func bound(_ length: Int) -> Int { Int(LZ4_compressBound(Int32(length))) }

    /// Compresses `source` into `destination` (at least `bound(source.count)` bytes); returns the
    /// compressed length.
    func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let src = source.baseAddress!.assumingMemoryBound(to: CChar.self)
        let dst = destination.assumingMemoryBound(to: CChar.self)
        let n: Int32
        if dictionaryLength == 0 {
            n = LZ4_compress_default(src, dst, Int32(source.count), Int32(capacity))
        } else {
            // A copy of the stream with the dictionary loaded: cheaper than reloading it per block.
            workStream.update(from: dictionaryStream, count: 1)
            n = LZ4_compress_fast_continue(workStream, src, dst, Int32(source.count), Int32(capacity), 1)
        }
        precondition(n > 0, "LZ4 compression failed with a sufficient buffer")
        return Int(n)
    }
}

enum BlockDecompressor {
    /// Decompresses one block; returns false when the block is malformed or not exactly `rawLength`
    /// (or either length is beyond what LZ4's API takes, 2³¹ − 1 bytes).
    @inline(__always)
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer,
                           rawLength: Int, dictionary: UnsafeRawBufferPointer) -> Bool {
        guard rawLength <= Int(Int32.max), source.count <= Int(Int32.max), dictionary.count <= Int(Int32.max) else { return false }
        let n: Int32
        if dictionary.count > 0 {
            n = LZ4_decompress_safe_usingDict(
                source.baseAddress!.assumingMemoryBound(to: CChar.self),
                destination.assumingMemoryBound(to: CChar.self), Int32(source.count), Int32(rawLength),
                dictionary.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(dictionary.count))
        } else {
            n = LZ4_decompress_safe(
                source.baseAddress!.assumingMemoryBound(to: CChar.self),
                destination.assumingMemoryBound(to: CChar.self), Int32(source.count), Int32(rawLength))
        }
        return Int(n) == rawLength
    }
}
