import Events

/// The Euregio Meuse-Rhine regions used in YouRegion registrations. Loaded from `emr-regions.json`.
public struct EMRRegions: Hashable, Sendable, Codable {
    public struct Region: Hashable, Sendable, Codable {
        /// E.g. `BE_LIEGE`; `OUTSIDE_EMR` for work elsewhere.
        public var code: String
        /// ISO country code; `nil` for `OUTSIDE_EMR`.
        public var country: String?
        public var name: String
    }

    public var version: String
    public var validFrom: Day
    public var regions: [Region]

    public func region(_ code: String) -> Region? { regions.first { $0.code == code } }
}
