import Events

/// Maastricht's CBS wijken (GM0935, codes `WK093500`…`WK093506`) with their buurten, and the
/// postcode areas of the municipality. Loaded from `maastricht-wijken.json`; codes and the
/// buurt-to-wijk assignment are best knowledge until checked against CBS.
public struct MaastrichtGeography: Hashable, Sendable, Codable {
    public struct Wijk: Hashable, Sendable, Codable {
        /// CBS wijk code, e.g. `WK093500`.
        public var code: String
        public var name: String
        public var buurten: [String]
        public var check: Bool?
    }

    public struct PostcodeRange: Hashable, Sendable, Codable {
        public var from: Int
        public var through: Int
    }

    public var version: String
    public var validFrom: Day
    public var municipality: String
    public var postcodeAreas: PostcodeRange
    public var wijken: [Wijk]

    /// The wijk a buurt belongs to (exact name match), or `nil` for an unknown buurt.
    public func wijk(ofBuurt buurt: String) -> Wijk? {
        wijken.first { $0.buurten.contains(buurt) }
    }

    /// Whether `buurt` is a known Maastricht buurt.
    public func isBuurt(_ buurt: String) -> Bool { wijk(ofBuurt: buurt) != nil }

    /// Whether a 4-digit postcode area lies in Maastricht.
    public func isMaastricht(postcodeArea: Int) -> Bool {
        (postcodeAreas.from...postcodeAreas.through).contains(postcodeArea)
    }
}
