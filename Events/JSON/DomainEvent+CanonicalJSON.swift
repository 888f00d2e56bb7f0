extension DomainEvent {
    /// The payload as canonical JSON (sorted keys, no whitespace; sealed fields as `JSONContext`
    /// describes). The same event and vault state always give the same bytes.
    public func canonicalJSON(context: JSONContext = .sealed) throws -> [UInt8] {
        var w = JSONWriter()
        try writeJSON(to: &w, context: context)
        return w.bytes
    }
}
