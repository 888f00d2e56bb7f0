import Events

/// The programme's target groups and the small-count suppression limit for reports.
/// Loaded from `target-groups.json`.
public struct TargetGroups: Hashable, Sendable, Codable {
    public struct TargetGroup: Hashable, Sendable, Codable {
        /// E.g. `armoede`, `age55Plus` (the `TargetGroup` raw values).
        public var code: String
        public var name: String
    }

    public var version: String
    public var validFrom: Day
    /// Report cells with a count below this are suppressed.
    public var suppressBelow: Int
    public var targetGroups: [TargetGroup]

    public func contains(_ code: String) -> Bool { targetGroups.contains { $0.code == code } }
}
