/// An International Bank Account Number (ISO 13616), normalised to upper case without spaces.
///
/// Valid when its country is in `IBAN.lengths`, it has that country's length, and moving the
/// first four characters to the end gives mod 97 = 1.
public struct IBAN: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The electronic form, e.g. `NL91ABNA0417164300`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.ibanFormat`, `.ibanCountry`, `.ibanLength` or
    ///   `.ibanChecksum`.
    public init(_ raw: String, field: String = "iban") throws(ValidationError) {
        let iban = String(raw.asciiUppercased.filter { $0 != " " })
        let bytes = Array(iban.utf8)
        guard bytes.count >= 5, bytes.count <= 34,
              bytes[0...1].allSatisfy({ (65...90).contains($0) }),
              bytes[2...3].allSatisfy({ (48...57).contains($0) }),
              bytes.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) })
        else { throw ValidationError(field: field, rule: .ibanFormat, value: raw) }
        guard let length = IBAN.lengths[String(iban.prefix(2))] else {
            throw ValidationError(field: field, rule: .ibanCountry, value: raw)
        }
        guard bytes.count == length else {
            throw ValidationError(field: field, rule: .ibanLength, value: raw)
        }
        guard Checksums.mod97(iban.dropFirst(4) + iban.prefix(4)) == 1 else {
            throw ValidationError(field: field, rule: .ibanChecksum, value: raw)
        }
        value = iban
    }

    /// The ISO country code, e.g. `NL`.
    public var countryCode: String { String(value.prefix(2)) }

    /// The printed form in groups of four, e.g. `NL91 ABNA 0417 1643 00`.
    public var formatted: String {
        var out = ""
        for (index, character) in value.enumerated() {
            if index > 0 && index % 4 == 0 { out.append(" ") }
            out.append(character)
        }
        return out
    }

    public var description: String { value }

    /// IBAN length per country (SWIFT IBAN registry).
    public static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
        "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
        "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
        "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
        "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
        "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
        "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
        "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
        "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]
}
