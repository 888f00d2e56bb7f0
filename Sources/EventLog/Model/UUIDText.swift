import Foundation

extension UUID {
    /// Parses the 36-character text form `8-4-4-4-12` of hex digits (upper or lower case), as
    /// `UUID(uuidString:)` accepts it, straight from UTF-8 bytes: no `String`, no `sscanf`.
    /// Nil for anything else (another length, a misplaced dash, a non-hex digit).
    public init?(utf8 text: UnsafeRawBufferPointer) {
        guard text.count == 36, text[8] == 0x2D, text[13] == 0x2D, text[18] == 0x2D, text[23] == 0x2D else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var i = 0
            for k in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 { i += 1 }
                guard let hi = Self.nibble(text[i]), let lo = Self.nibble(text[i + 1]) else { return false }
                out[k] = hi << 4 | lo
                i += 2
            }
            return true
        }
        guard ok else { return nil }
        self.init(uuid: bytes)
    }

    /// Parses the text form from a `String` (see `init?(utf8:)`).
    public init?(text: String) {
        var s = text
        guard let u = s.withUTF8({ UUID(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = u
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c &- 0x30
        case 0x41...0x46: return c &- 0x37
        case 0x61...0x66: return c &- 0x57
        default: return nil
        }
    }
}
