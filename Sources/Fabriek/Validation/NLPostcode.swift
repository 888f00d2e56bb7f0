/// A Dutch postcode, normalised to `1234 AB`.
///
/// Four digits not starting with 0, then two letters other than SA, SD or SS (never issued).
/// Input may be lower case and with or without the space: `6211ab` becomes `6211 AB`.
public struct NLPostcode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised form, `6211 AB`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.nlPostcodeFormat` or `.nlPostcodeLetters`.
    public init(_ raw: String, field: String = "postcode") throws(ValidationError) {
        let compact = String(raw.asciiUppercased.filter { $0 != " " })
        let bytes = Array(compact.utf8)
        guard bytes.count == 6,
              let digits = Checksums.digits(compact.prefix(4)), digits[0] != 0,
              bytes[4...5].allSatisfy({ (65...90).contains($0) })
        else { throw ValidationError(field: field, rule: .nlPostcodeFormat, value: raw) }
        let letters = String(compact.suffix(2))
        guard !["SA", "SD", "SS"].contains(letters) else {
            throw ValidationError(field: field, rule: .nlPostcodeLetters, value: raw)
        }
        value = "\(compact.prefix(4)) \(letters)"
    }

    /// The 4-digit area, e.g. `6211` (not personal data; used for neighbourhood matching).
    public var area: Int { Int(value.prefix(4))! }

    public var description: String { value }
}
