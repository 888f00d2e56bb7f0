/// A value that breaks a validation rule: which field, which rule, and the offending value.
///
/// The server turns it into `application/problem+json` naming the field and the rule.
/// `description` is a sentence a person can act on.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field that was checked, e.g. `kvkNumber` or `address.postcode`.
    public var field: String
    /// The rule that was broken.
    public var rule: ValidationRule
    /// The value as it was given (not normalised).
    public var value: String

    public init(field: String, rule: ValidationRule, value: String) {
        self.field = field
        self.rule = rule
        self.value = value
    }

    public var description: String {
        "\(field) '\(value)' breaks rule \(rule.rawValue): \(rule.explanation)"
    }
}
