import Events

/// The report as canonical JSON (sorted keys, no whitespace): its content plus `contentHash`,
/// the SHA-256 of the content without that key.
public enum ReportJSON {
    public static func render(_ report: Report) -> String {
        guard case .object(var members) = report.canonicalContent else { return "" }
        members["contentHash"] = .string(report.contentHash)
        return CanonicalJSON.object(members).text
    }
}
