/// Well-known metadata keys.
public enum MetadataKey {
    public static let actor = "actor"
    public static let role = "role"
    public static let correlationID = "correlation"
    public static let causationID = "causation"
}
