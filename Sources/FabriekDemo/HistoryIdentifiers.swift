import Fabriek
/// Registry and VAT numbers that pass the checks of `Validation/`: KvK numbers (8 digits), Dutch
/// btw-ids by MOD 97-10 (sole traders) or the 11-check (older RSIN-based ids), Belgian
/// enterprise numbers and German USt-IdNr.
enum HistoryIdentifiers {
    /// 8 digits, not starting with 0.
    static func kvk(_ random: inout HistoryRandom) -> String {
        String(random.int(10_000_000...99_999_999))
    }

    /// `NL` + 9 digits + `B` + 2 digits with ISO 7064 MOD 97-10 = 1 (the btw-id of sole traders since 2020).
    static func soleTraderVAT(_ random: inout HistoryRandom) -> String {
        let digits = String(format9(random.int(0...999_999_999)))
        let prefix = "NL\(digits)B"
        let remainder = Checksums.mod97(prefix)!
        // (remainder * 100 + check) mod 97 == 1
        let check = ((1 - remainder * 100) % 97 + 97) % 97
        return prefix + (check < 10 ? "0\(check)" : "\(check)")
    }

    /// `NL` + 9 digits passing the 11-check + `B01` (an RSIN-based id of a partnership or company).
    static func rsinVAT(_ random: inout HistoryRandom) -> String {
        while true {
            var digits = (0..<8).map { _ in random.int(0...9) }
            if digits[0] == 0 { digits[0] = 8 }
            let sum = digits.enumerated().reduce(0) { $0 + $1.element * (9 - $1.offset) }
            let last = sum % 11
            guard last < 10 else { continue }
            digits.append(last)
            return "NL" + digits.map(String.init).joined() + "B01"
        }
    }

    /// A Belgian enterprise number `0xxxxxxxcc`: check = 97 − (first eight mod 97).
    static func belgianEnterprise(_ random: inout HistoryRandom) -> String {
        let seven = random.int(1_000_000...9_999_999)  // the first eight digits are "0" + these seven
        let check = 97 - seven % 97
        return "0\(seven)" + (check < 10 ? "0\(check)" : "\(check)")
    }

    /// `DE` + 8 digits + an ISO 7064 MOD 11,10 check digit.
    static func germanVAT(_ random: inout HistoryRandom) -> String {
        var digits = (0..<8).map { _ in random.int(0...9) }
        if digits[0] == 0 { digits[0] = 1 }
        var product = 10
        for d in digits {
            var sum = (d + product) % 10
            if sum == 0 { sum = 10 }
            product = (2 * sum) % 11
        }
        var check = 11 - product
        if check == 10 { check = 0 }
        return "DE" + (digits + [check]).map(String.init).joined()
    }

    private static func format9(_ n: Int) -> String { String(n).leftPadded(to: 9) }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
