import Events

/// What every reference data file states about itself: which version of the data it is and the
/// day from which it applies. Reports name these so a figure can be traced to the data used.
public struct ReferenceFileHeader: Hashable, Sendable, Codable {
    /// Free-form version label, e.g. `2026.1`. A corrected file gets a new version.
    public var version: String
    /// The first day this data applies.
    public var validFrom: Day
}
