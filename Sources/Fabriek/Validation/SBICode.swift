/// A Dutch Standard Business Classification (SBI 2025) activity code: 5 digits, e.g. `81300`.
/// Dots are accepted and dropped (`81.30.0`). Whether the code exists in the SBI list is not
/// checked here.
public struct SBICode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 5 digits.
    public let value: String

    /// - Throws: `ValidationError` with rule `.sbiFormat`.
    public init(_ raw: String, field: String = "sbiCode") throws(ValidationError) {
        let code = String(raw.trimmingWhitespace.filter { $0 != "." })
        guard code.utf8.count == 5, Checksums.digits(code) != nil else {
            throw ValidationError(field: field, rule: .sbiFormat, value: raw)
        }
        value = code
    }

    public var description: String { value }
}
