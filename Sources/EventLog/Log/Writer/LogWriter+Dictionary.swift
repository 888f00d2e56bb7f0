extension LogWriter {
    /// The dictionary state a failed write restores.
    struct DictionaryState {
        var dictionary: [UInt8]
        var offset: UInt32
        var contentSince: Int
    }

    var dictionaryState: DictionaryState {
        DictionaryState(dictionary: dictionary, offset: dictionaryOffset, contentSince: contentSinceDictionary)
    }

    func restore(_ saved: DictionaryState) {
        dictionary = saved.dictionary
        dictionaryOffset = saved.offset
        contentSinceDictionary = saved.contentSince
        dictionary.withUnsafeBytes { compressor.setDictionary($0) }
    }

    /// Refreshes the dictionary from recent content when due: at a segment start, while it is
    /// small, and then as the segment grows (what a log holds drifts: its first events are rarely
    /// like its later ones). Appends the new `DICT` record to `record` and makes it the
    /// compressor's dictionary.
    func refreshDictionaryIfDue(newSegment: Bool, into record: inout [UInt8]) {
        let growing = dictionary.count < DictionaryRecord.maxSize && contentSinceDictionary >= max(4096, 2 * dictionary.count)
        let stale = contentSinceDictionary >= min(Self.dictionaryRefreshMaximum, max(Self.dictionaryRefreshMinimum, writeOffset))
        guard !recent.isEmpty && (newSegment || (dictionaryOffset == 0 && writeOffset == SegmentHeader.size) || growing || stale) else {
            return
        }
        dictionary = Array(recent.suffix(DictionaryRecord.maxSize))
        dictionaryOffset = UInt32(writeOffset)
        dictionary.withUnsafeBytes { record.append(contentsOf: DictionaryRecord.encode($0)) }
        dictionary.withUnsafeBytes { compressor.setDictionary($0) }
        contentSinceDictionary = 0
    }

    /// Keeps the last 64 KiB of content without the event ids (which never repeat) as the
    /// source of the next dictionary.
    func keepRecentContent(_ encoded: EncodedBlocks) {
        let blocks = encoded.blocks
        var firstKept = blocks.count
        var kept = 0
        while firstKept > 0 && kept < DictionaryRecord.maxSize {
            firstKept -= 1
            kept += blocks[firstKept].end - blocks[firstKept].start - (blocks[firstKept].idsEnd - blocks[firstKept].idsStart)
        }
        encoded.content.bytes.withUnsafeBytes { raw in
            for b in blocks[firstKept...] {
                recent.append(contentsOf: raw[b.start..<b.idsStart])
                recent.append(contentsOf: raw[b.idsEnd..<b.end])
            }
        }
        if recent.count > DictionaryRecord.maxSize { recent.removeFirst(recent.count - DictionaryRecord.maxSize) }
        contentSinceDictionary += encoded.content.count
    }
}
