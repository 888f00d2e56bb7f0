import EventLog
import Events
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Recognises, without parsing them, the lines of an import file that are exactly what `export`
/// writes for the event the log stores at the line's `position`: such a line is that stored
/// event (the export's rendering is a function of the stored event and its commit), so the
/// import skips it as it would after a full parse and comparison. A re-import of a file whose
/// prefix is stored so costs one sequential read and rendering of that prefix (~ the cost of
/// exporting it) instead of a parse, decode and check of every line. Any other line (another
/// rendering, other content, no `position`) goes through the full parse.
///
/// Reads the log only (safe beside the caller's other reads); keeps nothing between calls.
struct StoredLines {
    let log: EventLog
    /// The log's head position when the import began (nothing is appended during the check).
    let head: UInt64

    private struct Stop: Error {}

    /// For each line of `lines`: the first position of the stored commit when the line is the
    /// export's rendering of the stored event at its `position`, else nil.
    func match(_ lines: [LineReader.Line]) -> [UInt64?] {
        var out = [UInt64?](repeating: nil, count: lines.count)
        guard head > 0 else { return out }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        var i = 0
        while i < lines.count {
            guard let first = Self.position(in: lines[i].bytes), first <= head else {
                i += 1
                continue
            }
            // A window that grows while every line matches (a stored prefix is read in long
            // runs; a line that does not match costs the rendering of one event).
            var j = i
            var next = first
            var window: UInt64 = 16
            var matching = true
            while matching && j < lines.count && next <= head {
                let last = min(head, next + min(window, UInt64(lines.count - j)) - 1)
                let ranges = log.commitRanges(from: next, through: last)
                var k = 0
                do {
                    try log.forEachEvent(from: next, through: last) { e in
                        while k < ranges.count && ranges[k].upperBound < e.position { k += 1 }
                        guard k < ranges.count else { throw Stop() }
                        buffer.removeAll(keepingCapacity: true)
                        ExportLineWriter.append(e, commit: ranges[k].lowerBound, to: &buffer)
                        let line = lines[j].bytes
                        let same = buffer.count == line.count && buffer.withUnsafeBytes {
                            memcmp($0.baseAddress!, line.baseAddress!, line.count) == 0
                        }
                        guard same else { throw Stop() }
                        out[j] = ranges[k].lowerBound
                        j += 1
                    }
                } catch {
                    // A mismatch (or an unreadable event): that line and the ones after it are parsed.
                    matching = false
                }
                next = last + 1
                window *= 4
            }
            // The line that did not match is parsed; the search resumes after it.
            i = j == i ? i + 1 : j
        }
        return out
    }

    /// The number after the first `,"position":` in a line (a guess, checked by the comparison).
    static func position(in line: UnsafeRawBufferPointer) -> UInt64? {
        let key: StaticString = #","position":"#
        let k = key.utf8CodeUnitCount
        guard line.count > k else { return nil }
        let base = line.baseAddress!
        var from = 0
        var found: Int?
        while found == nil, from + k < line.count, let comma = memchr(base + from, 0x2C, line.count - k - from) {
            let at = base.distance(to: UnsafeRawPointer(comma))
            if memcmp(base + at, key.utf8Start, k) == 0 { found = at + k } else { from = at + 1 }
        }
        guard var at = found else { return nil }
        var n: UInt64 = 0
        var digits = 0
        while at < line.count, (0x30...0x39).contains(line[at]), digits < 19 {
            n = n * 10 + UInt64(line[at] - 0x30)
            at += 1
            digits += 1
        }
        return digits > 0 && n > 0 ? n : nil
    }
}
