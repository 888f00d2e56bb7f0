import Testing
@testable import Fabriek

/// The validation vectors of DOMAIN.md, each recomputed by hand (see comments).
@Suite("Validation vectors")
struct ValidationTests {
    // KvK: 8 digits, no checksum.
    @Test(arguments: ["69599084", " 69599084 "])
    func kvkValid(_ raw: String) throws {
        #expect(try KvKNumber(raw).value == "69599084")
    }

    @Test(arguments: ["6959908", "6959908A", "695990845", ""])
    func kvkInvalid(_ raw: String) {
        #expect(throws: ValidationError(field: "kvkNumber", rule: .kvkFormat, value: raw)) { try KvKNumber(raw) }
    }

    // NL VAT: NL000099998B57 and NL002342672B42 pass mod 97-10 (=1) but fail the 11-check;
    // NL004495445B01 fails mod 97 (=40) but passes the 11-check:
    // 0·9+0·8+4·7+4·6+9·5+5·4+4·3+4·2 − 5 = 132 = 12·11.
    @Test(arguments: ["NL000099998B57", "NL002342672B42", "NL004495445B01", "nl 0000.99998.b57"])
    func nlVATValid(_ raw: String) throws {
        _ = try NLVATNumber(raw)
    }

    @Test func nlVATNormalises() throws {
        #expect(try NLVATNumber("nl000099998b57").value == "NL000099998B57")
    }

    @Test(arguments: ["NL000099998B58", "NL123456789B01"])
    func nlVATBadChecksum(_ raw: String) {
        #expect(throws: ValidationError(field: "vatId", rule: .nlVATChecksum, value: raw)) { try NLVATNumber(raw) }
    }

    @Test(arguments: ["NL0000999998B57", "NL00009999B57", "BE000099998B57", "NL000099998X57"])
    func nlVATBadFormat(_ raw: String) {
        #expect(throws: ValidationError(field: "vatId", rule: .nlVATFormat, value: raw)) { try NLVATNumber(raw) }
    }

    // BE: 04030192 mod 97 = 36, 97 − 36 = 61 ✓.
    @Test(arguments: [("0403.019.261", "0403019261"), ("BE0428759497", "0428759497"), ("0566988259", "0566988259")])
    func beValid(_ raw: String, _ expected: String) throws {
        #expect(try BEEnterpriseNumber(raw).value == expected)
    }

    @Test func beFormatted() throws {
        let number = try BEEnterpriseNumber("BE0428759497")
        #expect(number.formatted == "0428.759.497")
        #expect(number.vatId == "BE0428759497")
    }

    @Test(arguments: ["0431150351", "0403.019.262"])
    func beBadChecksum(_ raw: String) {
        #expect(throws: ValidationError(field: "enterpriseNumber", rule: .beEnterpriseChecksum, value: raw)) {
            try BEEnterpriseNumber(raw)
        }
    }

    @Test(arguments: ["040301926", "2403019261", "04030192611", "0403O19261"])
    func beBadFormat(_ raw: String) {
        #expect(throws: ValidationError(field: "enterpriseNumber", rule: .beEnterpriseFormat, value: raw)) {
            try BEEnterpriseNumber(raw)
        }
    }

    // DE: MOD 11,10 over 13669597 gives check digit 6.
    @Test func deValid() throws {
        #expect(try DEVATNumber("de 136695976").value == "DE136695976")
    }

    @Test(arguments: ["DE136695978", "DE036695976"])
    func deBadChecksum(_ raw: String) {
        #expect(throws: ValidationError(field: "vatId", rule: .deVATChecksum, value: raw)) { try DEVATNumber(raw) }
    }

    @Test(arguments: ["DE13669597", "NL136695976", "DE13669597X"])
    func deBadFormat(_ raw: String) {
        #expect(throws: ValidationError(field: "vatId", rule: .deVATFormat, value: raw)) { try DEVATNumber(raw) }
    }

    // Postcode.
    @Test(arguments: ["6211 AB", "6211ab", " 6211 ab"])
    func postcodeNormalised(_ raw: String) throws {
        let postcode = try NLPostcode(raw)
        #expect(postcode.value == "6211 AB")
        #expect(postcode.area == 6211)
    }

    @Test(arguments: ["0211 AB", "62111 AB", "6211 A", "6211 A1", ""])
    func postcodeBadFormat(_ raw: String) {
        #expect(throws: ValidationError(field: "postcode", rule: .nlPostcodeFormat, value: raw)) { try NLPostcode(raw) }
    }

    @Test(arguments: ["6211 SS", "6211 SA", "6211sd"])
    func postcodeForbiddenLetters(_ raw: String) {
        #expect(throws: ValidationError(field: "postcode", rule: .nlPostcodeLetters, value: raw)) { try NLPostcode(raw) }
    }

    // IBAN.
    @Test(arguments: ["NL91ABNA0417164300", "BE68539007547034", "DE89370400440532013000", "nl91 abna 0417 1643 00"])
    func ibanValid(_ raw: String) throws {
        _ = try IBAN(raw)
    }

    @Test func ibanFormatted() throws {
        #expect(try IBAN("NL91ABNA0417164300").formatted == "NL91 ABNA 0417 1643 00")
    }

    @Test func ibanBadChecksum() {
        #expect(throws: ValidationError(field: "iban", rule: .ibanChecksum, value: "NL91ABNA0417164301")) {
            try IBAN("NL91ABNA0417164301")
        }
    }

    @Test(arguments: ["NL91ABNA041716430", "BE6853900754703", "DE8937040044053201300"])
    func ibanBadLength(_ raw: String) {
        #expect(throws: ValidationError(field: "iban", rule: .ibanLength, value: raw)) { try IBAN(raw) }
    }

    @Test func ibanUnknownCountry() {
        #expect(throws: ValidationError(field: "iban", rule: .ibanCountry, value: "ZZ91ABNA0417164300")) {
            try IBAN("ZZ91ABNA0417164300")
        }
    }

    @Test(arguments: ["N191ABNA0417164300", "NL9XABNA0417164300", "NL91ABNA04171643_0"])
    func ibanBadFormat(_ raw: String) {
        #expect(throws: ValidationError(field: "iban", rule: .ibanFormat, value: raw)) { try IBAN(raw) }
    }

    // CPV.
    @Test func cpvValid() throws {
        #expect(try CPVCode("77310000-6").division == "77")
    }

    @Test(arguments: ["7731000-6", "77310000-", "77310000", "77310000-66", "7731000A-6"])
    func cpvInvalid(_ raw: String) {
        #expect(throws: ValidationError(field: "cpvCode", rule: .cpvFormat, value: raw)) { try CPVCode(raw) }
    }

    // CPV check digit (opt-in): 7·3 + 7·7 + 3·1 + 1·3 = 76 → 6.
    @Test(arguments: ["77310000-6", "45000000-7", "98341120-2", "55110000-4", "79341000-6", "72000000-5", "90910000-9"])
    func cpvCheckDigitAgrees(_ raw: String) throws {
        _ = try CPVCode(raw, verifyCheckDigit: true)
    }

    @Test func cpvWrongCheckDigitRefusedOnlyWhenAsked() throws {
        _ = try CPVCode("77310000-5")
        #expect(throws: ValidationError(field: "cpvCode", rule: .cpvCheckDigit, value: "77310000-5")) {
            try CPVCode("77310000-5", verifyCheckDigit: true)
        }
    }

    // SBI 2025.
    @Test(arguments: [("81300", "81300"), ("81.30.0", "81300")])
    func sbiValid(_ raw: String, _ expected: String) throws {
        #expect(try SBICode(raw).value == expected)
    }

    @Test(arguments: ["8130", "813000", "8130A"])
    func sbiInvalid(_ raw: String) {
        #expect(throws: ValidationError(field: "sbiCode", rule: .sbiFormat, value: raw)) { try SBICode(raw) }
    }

    @Test func errorNamesFieldRuleAndValue() {
        let error = ValidationError(field: "kvkNumber", rule: .kvkFormat, value: "6959908")
        #expect(error.description == "kvkNumber '6959908' breaks rule kvk.format: a KvK number is exactly 8 digits")
    }
}
