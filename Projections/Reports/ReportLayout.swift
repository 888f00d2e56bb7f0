/// How the formats order a report: focus areas in the programme's order, KPIs by code,
/// breakdowns with the total first; and the texts every format shares (legend).
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

    /// Period columns after the programme column: quarters and goal years, in time order.
    static func columns(_ report: Report) -> [String] {
        report.periods.filter { $0 != "programme" }
    }

    /// The cell as a reader sees it: Dutch figure, `–` where the period has no such cell,
    /// `*` after a figure resting on unreadable inputs.
    static func figure(_ report: Report, _ kpi: String, _ period: String, _ breakdown: String) -> String {
        guard let c = report.cell(kpi, period: period, breakdown: breakdown) else { return "–" }
        return ReportLabels.figure(c) + (c.incomplete ? "*" : "")
    }

    static let legend = [
        "x — onderdrukt: de cel rust op minder dan \(KPISuppression.threshold) personen of zaken, of zou uit andere getoonde cellen terug te rekenen zijn (totaal min categorieën, programma min kwartalen, jaar min kwartalen).",
        "– — geen gegevens of niet van toepassing (bijvoorbeeld een aandeel van 0 uit 0).",
        "0 — geteld, en het aantal is nul.",
        "* — de waarde rust op invoer die niet gelezen kon worden (zie de notities).",
        "Eenheden: € (euro), % (procent, één decimaal), uur (één decimaal); aantallen zonder eenheid.",
    ]
}
