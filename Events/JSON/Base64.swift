/// Standard base64 with padding (RFC 4648 §4, no line breaks): what
/// `Data.base64EncodedString()` writes, without the `Data` and `String` in between: encoded
/// straight into a byte buffer, and decoded straight into an array.
public enum Base64 {
    @usableFromInline static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each byte's 6-bit value, 0xFF for a byte outside the alphabet.
    @usableFromInline static let values: [UInt8] = {
        var v = [UInt8](repeating: 0xFF, count: 256)
        for (k, c) in alphabet.enumerated() { v[Int(c)] = UInt8(k) }
        return v
    }()

    /// The length of the encoding of `count` bytes.
    @inlinable public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the encoding of `bytes` to `out` (the bytes `Data(bytes).base64EncodedString()`
    /// has).
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let n = bytes.count
        guard n > 0 else { return }
        let start = out.count
        let total = encodedCount(n)
        out.append(contentsOf: repeatElement(0, count: total))
        alphabet.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { o in
                var w = start
                var k = 0
                while k + 3 <= n {
                    let v = UInt32(bytes[k]) << 16 | UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k + 2])
                    o[w] = a[Int(v >> 18)]
                    o[w + 1] = a[Int(v >> 12 & 0x3F)]
                    o[w + 2] = a[Int(v >> 6 & 0x3F)]
                    o[w + 3] = a[Int(v & 0x3F)]
                    w += 4
                    k += 3
                }
                if k < n {
                    let two = k + 1 < n
                    let v = UInt32(bytes[k]) << 16 | (two ? UInt32(bytes[k + 1]) << 8 : 0)
                    o[w] = a[Int(v >> 18)]
                    o[w + 1] = a[Int(v >> 12 & 0x3F)]
                    o[w + 2] = two ? a[Int(v >> 6 & 0x3F)] : UInt8(ascii: "=")
                    o[w + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    /// The bytes of `text` when it is the canonical encoding of them (what `append` writes:
    /// padded to a multiple of 4, `=` only at the end, the unused bits of the last character
    /// zero); nil for anything else (which `Data(base64Encoded:)` may still accept).
    public static func decodeCanonical(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = text.count
        guard n % 4 == 0 else { return nil }
        if n == 0 { return [] }
        var padding = 0
        if text[n - 1] == UInt8(ascii: "=") { padding = text[n - 2] == UInt8(ascii: "=") ? 2 : 1 }
        let count = n / 4 * 3 - padding
        return values.withUnsafeBufferPointer { t -> [UInt8]? in
            var ok = true
            let out = [UInt8](unsafeUninitializedCapacity: count) { o, initialized in
                var w = 0
                var k = 0
                let full = padding == 0 ? n : n - 4
                while k < full {
                    let a = t[Int(text[k])], b = t[Int(text[k + 1])], c = t[Int(text[k + 2])], d = t[Int(text[k + 3])]
                    if (a | b | c | d) & 0xC0 != 0 { ok = false; break }
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    o[w] = UInt8(truncatingIfNeeded: v >> 16)
                    o[w + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    o[w + 2] = UInt8(truncatingIfNeeded: v)
                    w += 3
                    k += 4
                }
                if ok && padding > 0 {
                    let a = t[Int(text[k])], b = t[Int(text[k + 1])]
                    let c = padding == 1 ? t[Int(text[k + 2])] : 0
                    if (a | b | c) & 0xC0 != 0 {
                        ok = false
                    } else if padding == 2 {
                        // one byte: the last character's low 4 bits are unused, and must be zero
                        if b & 0x0F != 0 { ok = false } else { o[w] = a << 2 | b >> 4; w += 1 }
                    } else {
                        // two bytes: the last character's low 2 bits are unused, and must be zero
                        if c & 0x03 != 0 { ok = false } else {
                            o[w] = a << 2 | b >> 4
                            o[w + 1] = b << 4 | c >> 2
                            w += 2
                        }
                    }
                }
                initialized = ok ? w : 0
            }
            return ok ? out : nil
        }
    }
}
