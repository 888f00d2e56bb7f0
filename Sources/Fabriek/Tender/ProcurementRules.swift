import EventLog
import Events
import FabriekReference

/// The procurement-law checks shared by publishing and amending a tender (invariants 7 and 8).
enum ProcurementRules {
    /// The minimum standstill period above the EU threshold, in calendar days.
    static let minimumStandstillDaysAboveThreshold: UInt32 = 20

    /// The reference-data buyer kind of a municipality.
    static let municipalityBuyerKind = "decentraleOverheid"

    /// Checks that the procedure fits the buyer and, for a municipality, that a value at or above
    /// the EU threshold in force on `now`'s day uses a European procedure with at least 20 days
    /// of standstill. (The EU directives apply from a value *equal to or greater than* the
    /// threshold.)
    static func check(buyer: BuyerKind, category: ProcurementCategory, procedure: ProcedureType,
                      estimatedValueCents: Int64, standstillDays: UInt32,
                      now: Timestamp, thresholds: EUThresholds) throws(DomainError) {
        switch (buyer, procedure) {
        case (.business, .vrijeInkoopPrivaat):
            return
        case (.business, _), (.municipality, .vrijeInkoopPrivaat):
            throw .procedureNotForBuyer(procedure: procedure, buyer: buyer)
        case (.municipality, _):
            break
        }
        let day = now.utcDay
        guard let threshold = thresholds.amountCents(category: category.rawValue, buyerKind: municipalityBuyerKind,
                                                     on: day)
        else { throw .euThresholdUnknown(category: category, day: day) }
        guard estimatedValueCents >= threshold else { return }
        guard procedure == .europeesOpenbaar || procedure == .europeesNietOpenbaar else {
            throw .europeanProcedureRequired(estimatedValueCents: estimatedValueCents, thresholdCents: threshold,
                                             procedure: procedure)
        }
        guard standstillDays >= minimumStandstillDaysAboveThreshold else {
            throw .standstillTooShort(days: standstillDays, minimum: minimumStandstillDaysAboveThreshold)
        }
    }

    /// Checks lot numbers (≥ 1, unique), lot values and lot buurten.
    static func checkLots(_ lots: [Lot], geography: MaastrichtGeography) throws(DomainError) {
        guard !lots.isEmpty else { throw .noLots }
        var seen: Set<UInt32> = []
        for lot in lots {
            guard lot.number >= 1, seen.insert(lot.number).inserted else { throw .invalidLotNumber(lot: lot.number) }
            if let value = lot.estimatedValueCents, value < 0 {
                throw .amountNegative(field: "lots.estimatedValueCents", amountCents: value)
            }
            for buurt in lot.buurten where !geography.isBuurt(buurt) { throw .unknownBuurt(buurt: buurt) }
        }
    }
}
