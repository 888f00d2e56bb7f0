/// An ISO 3166-1 alpha-2 country code such as `NL`, `BE` or `DE` (upper case).
///
/// Any two-letter code is allowed (members may live or work outside the Euregio); validation of
/// the exact list belongs to the write side. On the wire and in JSON the code is a string.
public struct CountryCode: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let nl: CountryCode = "NL"
    public static let be: CountryCode = "BE"
    public static let de: CountryCode = "DE"

    public var description: String { rawValue }
}
