extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }

    /// The string without any spaces, dots or dashes (separators people type in identifiers).
    var removingSeparators: String {
        String(filter { $0 != " " && $0 != "." && $0 != "-" && $0 != "\t" })
    }

    /// ASCII upper-casing only; other characters unchanged.
    var asciiUppercased: String {
        String(String.UnicodeScalarView(unicodeScalars.map { scalar in
            (97...122).contains(scalar.value) ? Unicode.Scalar(scalar.value - 32)! : scalar
        }))
    }
}
