/// Finds where one key's value sits in a JSON object's bytes without parsing the rest: used by
/// `import` to compare a line's `data` with its canonical rendering byte for byte (the common
/// case of an `export` line), before falling back to a structural comparison.
enum TopLevelJSON {
    /// The byte range of the value of top-level `key` in the object `bytes`, nil when absent or
    /// when the text is not a well-formed object (the caller's full parser reports that).
    static func valueRange(of key: StaticString, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let keyBytes = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var i = 0
        let n = bytes.count
        func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 } }
        /// Skips a string starting at `i` (a quote); false when unterminated.
        func skipString() -> Bool {
            i += 1
            while i < n {
                if bytes[i] == 0x5C { i += 2; continue }
                if bytes[i] == 0x22 { i += 1; return true }
                i += 1
            }
            return false
        }
        func skipValue() -> Bool {
            skipSpace()
            guard i < n else { return false }
            if bytes[i] == 0x22 { return skipString() }
            if bytes[i] == 0x7B || bytes[i] == 0x5B {
                var depth = 0
                while i < n {
                    switch bytes[i] {
                    case 0x22:
                        guard skipString() else { return false }
                        continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            }
            while i < n, bytes[i] != 0x2C, bytes[i] != 0x7D, bytes[i] != 0x20 { i += 1 }
            return true
        }
        skipSpace()
        guard i < n, bytes[i] == 0x7B else { return nil }
        i += 1
        while true {
            skipSpace()
            guard i < n, bytes[i] == 0x22 else { return nil }
            let keyStart = i + 1
            guard skipString() else { return nil }
            let keyEnd = i - 1
            skipSpace()
            guard i < n, bytes[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            let valueStart = i
            guard skipValue() else { return nil }
            if keyEnd - keyStart == keyBytes.count,
               (0..<keyBytes.count).allSatisfy({ bytes[keyStart + $0] == keyBytes[$0] }) {
                return valueStart..<i
            }
            skipSpace()
            guard i < n else { return nil }
            if bytes[i] == 0x2C { i += 1; continue }
            return nil
        }
    }
}
