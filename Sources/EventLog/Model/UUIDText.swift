import Foundation

extension UUID {
    /// Parses the 36-character text form `8-4-4-4-12` of hex digits (upper or lower case), as
    /// `UUID(uuidString:)` accepts it, straight from UTF-8 bytes: no `String`, no `sscanf`.
    /// Nil for anything else (another length, a misplaced dash, a non-hex digit).
    public init?(utf8 text: UnsafeRawBufferPointer) {
        guard text.count == 36, let base = text.baseAddress else { return nil }
        let c = base.assumingMemoryBound(to: UInt8.self)
        guard c[8] == 0x2D, c[13] == 0x2D, c[18] == 0x2D, c[23] == 0x2D else { return nil }
        // A non-digit's nibble is 0xFF: one test for all 32 digits at the end, not one a digit.
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var bad: UInt8 = 0
        withUnsafeMutableBytes(of: &bytes) { out in
            @inline(__always) func byte(_ k: Int, at i: Int) {
                let hi = Self.nibble(c[i]), lo = Self.nibble(c[i + 1])
                bad |= hi | lo
                out[k] = hi &<< 4 | lo & 0x0F
            }
            byte(0, at: 0); byte(1, at: 2); byte(2, at: 4); byte(3, at: 6)
            byte(4, at: 9); byte(5, at: 11)
            byte(6, at: 14); byte(7, at: 16)
            byte(8, at: 19); byte(9, at: 21)
            byte(10, at: 24); byte(11, at: 26); byte(12, at: 28); byte(13, at: 30); byte(14, at: 32); byte(15, at: 34)
        }
        guard bad < 0x10 else { return nil }
        self.init(uuid: bytes)
    }

    /// Parses the text form from a `String` (see `init?(utf8:)`).
    public init?(text: String) {
        var s = text
        guard let u = s.withUTF8({ UUID(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = u
    }

    /// A hex digit's value (0-15), or 0xFF for any other byte. `c | 0x20` folds upper case
    /// onto lower case and maps no other byte into "a"..."f".
    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8 {
        let digit = c &- 0x30
        let letter = (c | 0x20) &- 0x61
        return digit < 10 ? digit : letter < 6 ? letter &+ 10 : 0xFF
    }
}
