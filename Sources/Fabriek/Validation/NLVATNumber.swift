/// A Dutch VAT identification number (btw-id): `NL`, 9 digits, `B`, 2 digits.
///
/// Accepted when ISO 7064 MOD 97-10 over the whole id (letters as in IBANs: N=23, L=21, B=11)
/// gives 1 — the btw-id of sole traders since 2020 — or when the 9 digits pass the 11-check
/// (the older RSIN-based ids). Spaces and dots are ignored, letters may be lower case.
public struct NLVATNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised id, e.g. `NL000099998B57`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.nlVATFormat` or `.nlVATChecksum`.
    public init(_ raw: String, field: String = "vatId") throws(ValidationError) {
        let id = raw.removingSeparators.asciiUppercased
        let bytes = Array(id.utf8)
        guard bytes.count == 14, id.hasPrefix("NL"), bytes[11] == UInt8(ascii: "B"),
              let digits = Checksums.digits(id.dropFirst(2).prefix(9)),
              Checksums.digits(id.suffix(2)) != nil
        else { throw ValidationError(field: field, rule: .nlVATFormat, value: raw) }
        guard Checksums.mod97(id) == 1 || Checksums.elevenCheck(digits) else {
            throw ValidationError(field: field, rule: .nlVATChecksum, value: raw)
        }
        value = id
    }

    public var description: String { value }
}
