/// A Belgian enterprise number (KBO/BCE ondernemingsnummer), also the Belgian VAT id with `BE`.
///
/// 10 digits starting with 0 or 1; the last two are 97 − (first eight mod 97). Input may carry
/// dots, spaces and a `BE` prefix: `0403.019.261`, `BE0428759497`, `0566988259`.
public struct BEEnterpriseNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 10 digits, e.g. `0403019261`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.beEnterpriseFormat` or `.beEnterpriseChecksum`.
    public init(_ raw: String, field: String = "enterpriseNumber") throws(ValidationError) {
        var id = raw.removingSeparators.asciiUppercased
        if id.hasPrefix("BE") { id.removeFirst(2) }
        guard id.utf8.count == 10, let digits = Checksums.digits(id), digits[0] <= 1 else {
            throw ValidationError(field: field, rule: .beEnterpriseFormat, value: raw)
        }
        let base = digits.prefix(8).reduce(0) { $0 * 10 + $1 }
        let check = digits[8] * 10 + digits[9]
        guard 97 - base % 97 == check else {
            throw ValidationError(field: field, rule: .beEnterpriseChecksum, value: raw)
        }
        value = id
    }

    /// The usual written form, `0403.019.261`.
    public var formatted: String {
        let c = Array(value)
        return "\(String(c[0..<4])).\(String(c[4..<7])).\(String(c[7..<10]))"
    }

    /// The VAT id form, `BE0403019261`.
    public var vatId: String { "BE" + value }

    public var description: String { formatted }
}
