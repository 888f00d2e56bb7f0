/// A Common Procurement Vocabulary code, e.g. `77310000-6` (planting and maintenance of green
/// areas): 8 digits, a dash, one check digit.
///
/// The format is always checked. The check digit is checked only on request
/// (`verifyCheckDigit: true`): the EU does not publish the algorithm. The weights 3, 7, 1
/// (repeating) mod 10 reproduce the published codes we recomputed (77310000-6, 45000000-7,
/// 98341120-2, 55110000-4, 79341000-6), but a code that is valid in the CPV list must never be
/// refused on a guess, so the default is format only.
public struct CPVCode: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The code as `^\d{8}-\d$`.
    public let value: String

    /// - Throws: `ValidationError` with rule `.cpvFormat`, or `.cpvCheckDigit` when
    ///   `verifyCheckDigit` is set and the digit differs from `CPVCode.checkDigit(for:)`.
    public init(_ raw: String, field: String = "cpvCode", verifyCheckDigit: Bool = false) throws(ValidationError) {
        let code = raw.trimmingWhitespace
        let bytes = Array(code.utf8)
        guard bytes.count == 10, bytes[8] == UInt8(ascii: "-"),
              let digits = Checksums.digits(code.prefix(8)), let check = Checksums.digits(code.suffix(1))
        else { throw ValidationError(field: field, rule: .cpvFormat, value: raw) }
        if verifyCheckDigit, CPVCode.checkDigit(for: digits) != check[0] {
            throw ValidationError(field: field, rule: .cpvCheckDigit, value: raw)
        }
        value = code
    }

    /// The presumed check digit of 8 code digits: Σ digit·weight mod 10, weights 3, 7, 1, 3, 7, 1, 3, 7.
    public static func checkDigit(for digits: [Int]) -> Int {
        let weights = [3, 7, 1, 3, 7, 1, 3, 7]
        return zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 10
    }

    /// The division: the first two digits, e.g. `77`.
    public var division: String { String(value.prefix(2)) }

    public var description: String { value }
}
