import Foundation

extension String {
    /// Lowercase text of a UUID (`6efbec79-da5b-435f-9cd5-5deda3620b47`), the form ids take in
    /// read models. Written straight into the string's storage: read models format several ids
    /// per event, and `uuidString.lowercased()` costs two allocations and a Unicode pass each.
    init(id: UUID) {
        self = String(unsafeUninitializedCapacity: UUIDText.count) { out in
            UUIDText.write(id, into: out.baseAddress!)
            return UUIDText.count
        }
    }
}

/// The lowercase text form of a UUID, written into a caller's buffer: `String(id:)` and
/// `Statement.Binder.id` (which binds it without allocating a string).
@usableFromInline enum UUIDText {
    /// Bytes of the text form.
    @usableFromInline static let count = 36

    /// Writes the 36 bytes of `id`'s lowercase text at `out`.
    @inlinable static func write(_ id: UUID, into out: UnsafeMutablePointer<UInt8>) {
        withUnsafeBytes(of: id.uuid) { bytes in
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            var o = 0
            for i in 0..<16 {
                if i == 4 || i == 6 || i == 8 || i == 10 {
                    out[o] = UInt8(ascii: "-")
                    o += 1
                }
                out[o] = digits[Int(bytes[i] >> 4)]
                out[o + 1] = digits[Int(bytes[i] & 0x0f)]
                o += 2
            }
        }
    }
}
