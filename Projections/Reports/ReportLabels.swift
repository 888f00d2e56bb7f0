import FabriekReference

/// Dutch labels for what reports and the web pages show: KPI names (from the reference data),
/// focus areas, periods, breakdowns (wijk names from the reference data, not CBS codes), units,
/// and the states a page shows (member status, availability, rate band, tender status,
/// procedure). Machine keys stay in the JSON and CSV and in the API; these labels stand beside
/// them.
public enum ReportLabels {
    /// The KPI's name in Dutch, from the reference data's `kpis.json` (the one place KPI names
    /// are kept, correctable there without a code change); the code itself for a code the
    /// catalogue does not list, or when the reference data cannot be loaded.
    public static func kpi(_ code: String) -> String {
        kpiNames[code] ?? code
    }

    /// `kpis.json`'s names by code, read once (`ReferenceData.load()`, so `FABRIEK_REFERENCE_DIR`
    /// corrections apply).
    private static let kpiNames: [String: String] = {
        guard let reference = try? ReferenceData.load() else { return [:] }
        return Dictionary(reference.kpis.kpis.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }()

    /// The focus area's name in Dutch, capitalised.
    public static func focusArea(_ area: String) -> String {
        area == "youRegion" ? "YouRegion" : area.prefix(1).uppercased() + area.dropFirst()
    }

    /// `2026-Q2` → `2026 K2`, `programme` → `Programma`; a year stays as it is.
    public static func period(_ label: String) -> String {
        if label == "programme" { return "Programma" }
        if Quarter.isLabel(label) { return "\(label.prefix(4)) K\(label.suffix(1))" }
        return label
    }

    /// The label of a breakdown (`wijk=WK093500` → `Wijk Centrum`); `Totaal` for the headline.
    public static func breakdown(_ breakdown: String, geography: MaastrichtGeography?) -> String {
        if breakdown.isEmpty { return "Totaal" }
        var pairs: [(String, String)] = []
        for part in breakdown.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            pairs.append((kv[0], kv.count > 1 ? kv[1] : ""))
        }
        let measure = pairs.first { $0.0 == "measure" }?.1
        let rest = pairs.filter { $0.0 != "measure" }.map { pair($0.0, $0.1, geography) }
        guard let measure else { return rest.joined(separator: ", ") }
        let m = self.measure(measure)
        return rest.isEmpty ? m : "\(m): \(rest.joined(separator: ", "))"
    }

    /// The unit as a reader sees it: `€`, `%`, `uur` or nothing for counts.
    public static func unit(_ unit: KPICell.Unit) -> String {
        switch unit {
        case .count, .distinct: return ""
        case .euro: return "€"
        case .hours: return "uur"
        case .percent: return "%"
        }
    }

    /// The cell's figure for a reader: Dutch decimal comma, thousands dots, with its unit
    /// (`€ 37.000,00`, `12,5%`, `5,5 uur`); `x` when suppressed, `–` for 0/0.
    public static func figure(_ cell: KPICell) -> String {
        let d = cell.displayValue
        guard !cell.suppressed, !cell.isUndefined else { return d }
        let parts = d.split(separator: ".", maxSplits: 1).map(String.init)
        var whole = parts[0]
        let negative = whole.hasPrefix("-")
        if negative { whole.removeFirst() }
        var grouped = ""
        for (i, ch) in whole.reversed().enumerated() {
            if i > 0, i % 3 == 0 { grouped.append(".") }
            grouped.append(ch)
        }
        let number = (negative ? "-" : "") + String(grouped.reversed()) + (parts.count > 1 ? "," + parts[1] : "")
        switch cell.unit {
        case .count, .distinct: return number
        case .euro: return "€ " + number
        case .hours: return number + " uur"
        case .percent: return number + "%"
        }
    }

    static func measure(_ m: String) -> String {
        switch m {
        case "share": return "Aandeel van de actieve leden (%)"
        case "winRate": return "Winkans (%)"
        case "awardedLots": return "Gegunde percelen"
        case "uniqueParticipants": return "Unieke deelnemers"
        case "attendance": return "Opkomst (leden en externen)"
        case "uniqueAttendees": return "Unieke deelnemende leden"
        case "shareThatBid": return "Aandeel dat inschreef (%)"
        case "a1BeforeStart": return "Aandeel met A1 vóór de start (%)"
        case "verifiedShare": return "Aandeel met geverifieerde inschrijving (%)"
        case "shareOfMaastrichtFreelancers": return "Aandeel van de ~10.000 Maastrichtse zzp'ers (%)"
        default: return m
        }
    }

    static func pair(_ key: String, _ value: String, _ geography: MaastrichtGeography?) -> String {
        switch key {
        case "wijk":
            if value == "none" { return "Wijk onbekend" }
            return "Wijk " + (geography?.wijken.first { $0.code == value }?.name ?? value)
        case "country": return "Land: " + country(value)
        case "workCountry": return "Werkland: " + country(value)
        case "targetGroup": return "Doelgroep " + targetGroup(value)
        case "client": return value == "municipality" ? "Opdrachtgever gemeente" : value == "business" ? "Opdrachtgever bedrijf" : "Opdrachtgever \(value)"
        case "bidder": return value == "member" ? "Solo (lid)" : value == "consortium" ? "Combinatie" : value
        case "procedure": return "Procedure " + procedure(value)
        case "direction": return "Richting " + (value == "other" ? "overig" : value)
        case "region": return "Regio " + region(value)
        case "a1Status": return "A1: " + (["none": "geen", "applied": "aangevraagd", "issued": "afgegeven", "refused": "geweigerd"][value] ?? value)
        default: return "\(key) \(value)"
        }
    }

    static func country(_ code: String) -> String {
        ["NL": "Nederland", "BE": "België", "DE": "Duitsland"][code] ?? code
    }

    static func targetGroup(_ g: String) -> String {
        ["armoede": "armoede (laag inkomen)", "age55Plus": "55+", "atypicalProfession": "atypisch beroep", "women": "vrouwen",
         "men": "mannen", "youngTalent": "jong talent"][g] ?? g
    }

    /// A procedure type in words (`nationaalOpenbaar` → `nationaal openbaar`).
    public static func procedure(_ p: String) -> String {
        ["enkelvoudigOnderhands": "enkelvoudig onderhands", "meervoudigOnderhands": "meervoudig onderhands",
         "nationaalOpenbaar": "nationaal openbaar", "nationaalNietOpenbaar": "nationaal niet-openbaar",
         "europeesOpenbaar": "Europees openbaar", "europeesNietOpenbaar": "Europees niet-openbaar",
         "vrijeInkoopPrivaat": "vrije inkoop (privaat)"][p] ?? p
    }

    static func region(_ r: String) -> String {
        ["NL_SOUTH_LIMBURG": "Zuid-Limburg (NL)", "BE_LIMBURG": "Limburg (BE)", "BE_LIEGE": "Luik (BE)", "BE_OSTBELGIEN": "Oostbelgië (BE)",
         "DE_REGION_AACHEN": "Aken (DE)", "OUTSIDE_EMR": "buiten de Euregio"][r] ?? r
    }

    /// A directory entry's status (`active`, `ended`, `erased`).
    public static func memberStatus(_ status: String) -> String {
        ["active": "actief", "ended": "lidmaatschap beëindigd", "erased": "verwijderd"][status] ?? status
    }

    /// A member's availability for new work.
    public static func availability(_ availability: String) -> String {
        ["available": "beschikbaar", "limited": "beperkt beschikbaar", "unavailable": "niet beschikbaar"][availability] ?? availability
    }

    /// A directory rate band (`RateBand`).
    public static func rateBand(_ band: String) -> String {
        ["budget": "tot € 40 per uur", "standard": "€ 40 tot € 75 per uur", "premium": "€ 75 per uur of meer",
         "fixed": "vaste prijs per klus"][band] ?? band
    }

    /// A tender's status on the board.
    public static func tenderStatus(_ status: String) -> String {
        ["open": "open", "closed": "inschrijving gesloten", "awarding": "gunning voorgenomen", "awarded": "gegund",
         "cancelled": "ingetrokken"][status] ?? status
    }

    /// A bid's status (`BidDetail.status`, `MemberBid.status`).
    public static func bidStatus(_ status: String) -> String {
        ["submitted": "ingediend", "withdrawn": "ingetrokken", "valid": "geldig", "disqualified": "uitgesloten",
         "awarded": "gegund"][status] ?? status
    }
}
