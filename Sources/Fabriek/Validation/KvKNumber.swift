/// A Dutch Chamber of Commerce (KvK) number: exactly 8 digits, no check digit.
public struct KvKNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 8 digits.
    public let value: String

    /// Validates `raw` (surrounding whitespace ignored).
    /// - Throws: `ValidationError` with rule `.kvkFormat`.
    public init(_ raw: String, field: String = "kvkNumber") throws(ValidationError) {
        let trimmed = raw.trimmingWhitespace
        guard trimmed.utf8.count == 8, Checksums.digits(trimmed) != nil else {
            throw ValidationError(field: field, rule: .kvkFormat, value: raw)
        }
        value = trimmed
    }

    public var description: String { value }
}
