import Events

/// The seven focus areas of the "Maastricht goals" programme. Loaded from `focus-areas.json`.
public struct FocusAreas: Hashable, Sendable, Codable {
    public struct FocusArea: Hashable, Sendable, Codable {
        /// E.g. `opdrachten`.
        public var code: String
        public var name: String
    }

    public var version: String
    public var validFrom: Day
    public var focusAreas: [FocusArea]

    public func contains(_ code: String) -> Bool { focusAreas.contains { $0.code == code } }
}
