extension DomainError {
    /// The number of the DOMAIN.md invariant this refusal enforces (1-11), read from its rule
    /// code (`invariant-4.participationConflict` → 4; see `classification`); nil for a refusal
    /// that guards the aggregate's own consistency (an unknown bid, a stream that exists, ...).
    public var invariant: Int? {
        let prefix = "invariant-"
        guard rule.hasPrefix(prefix), let dot = rule.firstIndex(of: ".") else { return nil }
        return Int(rule[rule.index(rule.startIndex, offsetBy: prefix.count)..<dot])
    }
}
