import Events

/// The programme's KPI codes and the focus area each belongs to. Loaded from `kpis.json`.
public struct KPICatalogue: Hashable, Sendable, Codable {
    public struct KPI: Hashable, Sendable, Codable {
        /// E.g. `OPD-4`.
        public var code: String
        /// A code from `FocusAreas`.
        public var focusArea: String
        /// The KPI's name in Dutch, as reports and pages show it beside the code.
        public var name: String

        public init(code: String, focusArea: String, name: String) {
            self.code = code
            self.focusArea = focusArea
            self.name = name
        }
    }

    public var version: String
    public var validFrom: Day
    public var kpis: [KPI]

    public func kpi(_ code: String) -> KPI? { kpis.first { $0.code == code } }
}
