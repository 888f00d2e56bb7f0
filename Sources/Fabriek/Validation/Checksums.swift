/// Check-digit arithmetic shared by the identifier validators. Inputs are assumed already
/// checked for their character set; all functions are total and allocation-free apart from
/// iterating the string.
public enum Checksums {
    /// ISO 7064 MOD 97-10 over letters and digits, letters converted as in IBANs (A=10 ... Z=35).
    /// Returns the remainder; a valid string gives 1. Returns `nil` for other characters.
    public static func mod97(_ text: some StringProtocol) -> Int? {
        var remainder = 0
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 48...57: // 0-9
                remainder = (remainder * 10 + Int(scalar.value - 48)) % 97
            case 65...90: // A-Z
                remainder = (remainder * 100 + Int(scalar.value - 55)) % 97
            default:
                return nil
            }
        }
        return remainder
    }

    /// ISO 7064 MOD 11,10 (hybrid system): true when the last digit is the check digit of the
    /// digits before it.
    static func iso7064Mod11_10(_ digits: [Int]) -> Bool {
        guard let check = digits.last else { return false }
        var product = 10
        for digit in digits.dropLast() {
            var sum = (digit + product) % 10
            if sum == 0 { sum = 10 }
            product = (2 * sum) % 11
        }
        var expected = 11 - product
        if expected == 10 { expected = 0 }
        return expected == check
    }

    /// The Dutch 11-check on 9 digits: 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11).
    static func elevenCheck(_ digits: [Int]) -> Bool {
        guard digits.count == 9 else { return false }
        var sum = 0
        for (index, digit) in digits.prefix(8).enumerated() { sum += digit * (9 - index) }
        sum -= digits[8]
        return sum % 11 == 0
    }

    /// The decimal digits of `text`, or `nil` if it holds anything else.
    static func digits(_ text: some StringProtocol) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard (48...57).contains(byte) else { return nil }
            result.append(Int(byte - 48))
        }
        return result
    }
}
