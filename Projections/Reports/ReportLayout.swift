/// How the formats order a report: focus areas in the programme's order, KPIs by code,
/// breakdowns with the total first.
enum ReportLayout {
    static let focusAreaOrder = ["sociaal", "commercieel", "opdrachten", "lerend", "ontmoetend", "verbindend", "faciliterend", "youRegion"]

    static func focusAreas(_ report: Report) -> [String] {
        let present = Set(report.definitions.map(\.focusArea))
        return focusAreaOrder.filter(present.contains)
    }

    static func kpis(_ report: Report, in area: String) -> [String] {
        report.definitions.filter { $0.focusArea == area }.map(\.code).sorted()
    }

    static func breakdowns(_ report: Report, of kpi: String) -> [String] {
        Array(Set(report.cells.filter { $0.kpi == kpi }.map(\.breakdown))).sorted()
    }
}
