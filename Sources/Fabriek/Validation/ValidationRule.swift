/// A named validation rule. Codes are stable (clients may match on `rawValue`); new rules may be
/// added without breaking callers.
public struct ValidationRule: Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable code, e.g. `kvk.format`.
    public let rawValue: String
    /// What the rule requires, in one sentence.
    public let explanation: String

    public init(_ rawValue: String, _ explanation: String) {
        self.rawValue = rawValue
        self.explanation = explanation
    }

    public var description: String { rawValue }

    public static func == (lhs: ValidationRule, rhs: ValidationRule) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

extension ValidationRule {
    public static let kvkFormat = ValidationRule("kvk.format", "a KvK number is exactly 8 digits")
    public static let nlVATFormat = ValidationRule("nlVat.format", "an NL VAT id is 'NL', 9 digits, 'B', 2 digits")
    public static let nlVATChecksum = ValidationRule(
        "nlVat.checksum", "an NL VAT id passes ISO 7064 mod 97-10 over the whole id, or the 11-check on its 9 digits")
    public static let beEnterpriseFormat = ValidationRule(
        "beEnterprise.format", "a Belgian enterprise number is 10 digits starting with 0 or 1 (dots and a 'BE' prefix allowed)")
    public static let beEnterpriseChecksum = ValidationRule(
        "beEnterprise.checksum", "the last 2 digits of a Belgian enterprise number are 97 - (first 8 digits mod 97)")
    public static let deVATFormat = ValidationRule("deVat.format", "a German USt-IdNr is 'DE' and 9 digits")
    public static let deVATChecksum = ValidationRule("deVat.checksum", "a German USt-IdNr passes ISO 7064 MOD 11,10")
    public static let nlPostcodeFormat = ValidationRule(
        "nlPostcode.format", "a Dutch postcode is 4 digits not starting with 0 and 2 letters, e.g. '6211 AB'")
    public static let nlPostcodeLetters = ValidationRule(
        "nlPostcode.letters", "Dutch postcodes never use the letter pairs SA, SD or SS")
    public static let ibanFormat = ValidationRule(
        "iban.format", "an IBAN is a 2-letter country code, 2 check digits and up to 30 letters or digits")
    public static let ibanCountry = ValidationRule("iban.country", "the IBAN's country code is not in the IBAN registry")
    public static let ibanLength = ValidationRule("iban.length", "an IBAN has the length fixed for its country")
    public static let ibanChecksum = ValidationRule("iban.checksum", "an IBAN passes the mod 97 check (ISO 13616)")
    public static let cpvFormat = ValidationRule("cpv.format", "a CPV code is 8 digits, a dash and a check digit, e.g. '77310000-6'")
    public static let cpvCheckDigit = ValidationRule("cpv.checkDigit", "the CPV check digit does not match the code's 8 digits")
    public static let sbiFormat = ValidationRule("sbi.format", "an SBI code (SBI 2025) is 5 digits")
    public static let required = ValidationRule("required", "a value is required")
    public static let emailFormat = ValidationRule("email.format", "an e-mail address looks like name@domain.tld")
    public static let countryCodeFormat = ValidationRule("country.format", "a country is an ISO 3166-1 alpha-2 code such as NL")
    public static let sealing = ValidationRule("personalData.sealing", "personal data could not be sealed with the member's key")
    public static let percentageRange = ValidationRule("basisPoints.range", "a share in basis points lies between 0 and 10,000")
    public static let sha256Length = ValidationRule("hash.length", "a chain or content hash is 32 bytes (SHA-256)")
}
