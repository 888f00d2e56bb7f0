/// A German VAT identification number (Umsatzsteuer-Identifikationsnummer): `DE` and 9 digits,
/// the last a check digit by ISO 7064 MOD 11,10. Spaces are ignored, letters may be lower case.
public struct DEVATNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The normalised id, e.g. `DE136695976`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.deVATFormat` or `.deVATChecksum`.
    public init(_ raw: String, field: String = "vatId") throws(ValidationError) {
        let id = raw.removingSeparators.asciiUppercased
        guard id.utf8.count == 11, id.hasPrefix("DE"), let digits = Checksums.digits(id.dropFirst(2)) else {
            throw ValidationError(field: field, rule: .deVATFormat, value: raw)
        }
        guard Checksums.iso7064Mod11_10(digits) else {
            throw ValidationError(field: field, rule: .deVATChecksum, value: raw)
        }
        value = id
    }

    public var description: String { value }
}
