/// A Common Procurement Vocabulary code, e.g. `77310000-6` (planting and maintenance of green
/// areas): 8 digits, a dash, one check digit.
///
/// Only the format is checked. The EU does not publish the check-digit algorithm, and none we
/// could verify reproduces the published codes, so a wrong check digit is not detected.
public struct CPVCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The code as `^\d{8}-\d$`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.cpvFormat`.
    public init(_ raw: String, field: String = "cpvCode") throws(ValidationError) {
        let code = raw.trimmingWhitespace
        let bytes = Array(code.utf8)
        guard bytes.count == 10, bytes[8] == UInt8(ascii: "-"),
              Checksums.digits(code.prefix(8)) != nil, Checksums.digits(code.suffix(1)) != nil
        else { throw ValidationError(field: field, rule: .cpvFormat, value: raw) }
        value = code
    }

    /// The division: the first two digits, e.g. `77`.
    public var division: String { String(value.prefix(2)) }

    public var description: String { value }
}
