import Events
import Fabriek

/// A trade of the register: what members declare, how jobs for it are described, and the codes
/// (CPV for tenders, SBI 2025 for registrations) that go with it.
struct HistorySkill: Sendable {
    var key: String
    /// CPV code of jobs in this trade (`^\d{8}-\d$`).
    var cpv: String
    /// Further CPV interests of members with this skill.
    var cpvInterests: [String]
    /// SBI 2025 activity code (5 digits).
    var sbi: String
    var category: ProcurementCategory
    /// Indicative hourly rate range in euro.
    var rate: ClosedRange<Int64>
    /// Job titles; `{buurt}` is replaced by the lot's buurt.
    var jobTitles: [String]
    /// Relative frequency among members.
    var weight: Int
    /// Whether the municipality buys it (else only businesses).
    var municipal: Bool
}

enum HistorySkills {
    static let all: [HistorySkill] = [
        HistorySkill(key: "hovenier", cpv: "77310000-6", cpvInterests: ["77310000-6", "77311000-3", "77211400-6"],
                     sbi: "81300", category: .diensten, rate: 35...55,
                     jobTitles: ["Groenonderhoud {buurt}", "Snoeiwerk plantsoenen {buurt}", "Aanleg buurttuin {buurt}"],
                     weight: 14, municipal: true),
        HistorySkill(key: "schilder", cpv: "45442100-8", cpvInterests: ["45442100-8", "45440000-3"],
                     sbi: "43341", category: .werken, rate: 38...55,
                     jobTitles: ["Schilderwerk buurthuis {buurt}", "Onderhoud kozijnen {buurt}"],
                     weight: 10, municipal: true),
        HistorySkill(key: "cateraar", cpv: "55520000-1", cpvInterests: ["55520000-1", "55300000-3"],
                     sbi: "56210", category: .diensten, rate: 30...60,
                     jobTitles: ["Catering wijkfeest {buurt}", "Catering raadsbijeenkomst", "Lunch bewonersavond {buurt}"],
                     weight: 8, municipal: true),
        HistorySkill(key: "ICT", cpv: "72000000-5", cpvInterests: ["72000000-5", "72413000-8", "72611000-6"],
                     sbi: "62010", category: .diensten, rate: 60...110,
                     jobTitles: ["Website buurtplatform {buurt}", "ICT-ondersteuning wijkcentrum {buurt}"],
                     weight: 12, municipal: true),
        HistorySkill(key: "marketing", cpv: "79340000-9", cpvInterests: ["79340000-9", "79342000-3"],
                     sbi: "73110", category: .diensten, rate: 55...95,
                     jobTitles: ["Campagne winkelgebied {buurt}", "Marketing evenement Vrijthof"],
                     weight: 9, municipal: true),
        HistorySkill(key: "fotograaf", cpv: "79961000-8", cpvInterests: ["79961000-8"],
                     sbi: "74201", category: .diensten, rate: 50...90,
                     jobTitles: ["Fotoreportage {buurt}", "Fotografie stadsprojecten"],
                     weight: 7, municipal: true),
        HistorySkill(key: "grafisch ontwerper", cpv: "79822500-7", cpvInterests: ["79822500-7", "79810000-5"],
                     sbi: "74101", category: .diensten, rate: 50...85,
                     jobTitles: ["Huisstijl wijkcentrum {buurt}", "Ontwerp bewonersbrief {buurt}"],
                     weight: 8, municipal: true),
        HistorySkill(key: "schoonmaker", cpv: "90910000-9", cpvInterests: ["90910000-9", "90911200-8"],
                     sbi: "81210", category: .diensten, rate: 25...38,
                     jobTitles: ["Schoonmaak buurthuis {buurt}", "Glasbewassing wijkgebouw {buurt}"],
                     weight: 7, municipal: true),
        HistorySkill(key: "timmerman", cpv: "45421000-4", cpvInterests: ["45421000-4", "45422000-1"],
                     sbi: "43320", category: .werken, rate: 40...58,
                     jobTitles: ["Timmerwerk speeltuin {buurt}", "Houten bankjes {buurt}"],
                     weight: 6, municipal: true),
        HistorySkill(key: "vertaler", cpv: "79530000-8", cpvInterests: ["79530000-8", "79540000-1"],
                     sbi: "74300", category: .diensten, rate: 45...80,
                     jobTitles: ["Vertaling toeristische informatie", "Tolken bewonersavond {buurt}"],
                     weight: 5, municipal: true),
        HistorySkill(key: "trainer", cpv: "80500000-9", cpvInterests: ["80500000-9", "79632000-3"],
                     sbi: "85599", category: .diensten, rate: 60...120,
                     jobTitles: ["Training digitale vaardigheden {buurt}", "Workshop ondernemen"],
                     weight: 6, municipal: true),
        HistorySkill(key: "evenementenorganisator", cpv: "79952000-2", cpvInterests: ["79952000-2", "79951000-5"],
                     sbi: "82300", category: .diensten, rate: 50...90,
                     jobTitles: ["Organisatie buurtfeest {buurt}", "Bedrijfsuitje personeel"],
                     weight: 5, municipal: true),
        HistorySkill(key: "tekstschrijver", cpv: "79416000-3", cpvInterests: ["79416000-3", "79821000-5"],
                     sbi: "70210", category: .diensten, rate: 50...85,
                     jobTitles: ["Teksten website", "Nieuwsbrief wijk {buurt}"],
                     weight: 5, municipal: false),
        HistorySkill(key: "klusser", cpv: "50700000-2", cpvInterests: ["50700000-2", "45453000-7"],
                     sbi: "43999", category: .diensten, rate: 32...48,
                     jobTitles: ["Klein onderhoud pand", "Onderhoud installaties winkel"],
                     weight: 6, municipal: false),
    ]

    static var weights: [Int] { all.map(\.weight) }
}
