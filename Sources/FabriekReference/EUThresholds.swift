import Events

/// The EU procurement thresholds (invariant 8): above them a public buyer must use a European
/// procedure. Loaded from `eu-thresholds.json`; amounts are in euro cents, excluding VAT.
public struct EUThresholds: Hashable, Sendable, Codable {
    /// One threshold for one category and buyer kind, applying on days in `from ..< until`.
    public struct Entry: Hashable, Sendable, Codable {
        public var from: Day
        public var until: Day
        /// `werken`, `leveringen` or `diensten`.
        public var category: String
        /// `decentraleOverheid` (municipalities, provinces) or `centraleOverheid`.
        public var buyerKind: String
        public var amountCents: Int64
        /// True while the figure awaits confirmation.
        public var check: Bool?
    }

    public var version: String
    public var validFrom: Day
    public var thresholds: [Entry]

    /// The threshold in force on `day` for `category` and `buyerKind`, or `nil` when none is
    /// known (business buyers, or a day outside every period: callers decide how to treat that).
    public func amountCents(category: String, buyerKind: String, on day: Day) -> Int64? {
        thresholds.first { $0.category == category && $0.buyerKind == buyerKind && $0.from <= day && day < $0.until }?
            .amountCents
    }
}
