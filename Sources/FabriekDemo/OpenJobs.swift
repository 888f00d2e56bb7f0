import EventLog
import Events
import Fabriek
import Foundation

/// Jobs open now, for a demo store. The demo history ends in 2021, so every job in it is closed
/// by the time anyone runs the demo; `fabriek serve --demo` publishes these at the server's own
/// time, with deadlines weeks ahead, so the tender board has work to bid on. Below the EU
/// thresholds (invariant 8): businesses buy freely, the municipality by a national open procedure.
public enum OpenJobs {
    /// `count` publications with deadlines 14 to 45 days after `now`, at 10:00 UTC; the same
    /// `seed` gives the same jobs (the ids too).
    public static func commands(now: Timestamp, buurten: [String], count: Int = 12, seed: UInt64 = 2019) -> [PublishTender] {
        precondition(!buurten.isEmpty, "the reference data lists no buurten")
        var random = HistoryRandom(seed: seed &+ 0x09E7_5000)
        let ids = IDGenerator.seeded(seed &+ 0x09E7_5000)
        let day: Int64 = 86_400_000_000
        let today = now.microsecondsSinceEpoch / day * day
        return (0..<count).map { _ in
            let municipal = random.chance(0.4)
            let skills = HistorySkills.all.filter { !municipal || $0.municipal }
            let skill = random.pick(skills, weights: skills.map(\.weight))
            let lotCount = municipal ? random.pick([1, 1, 2]) : 1
            let places = random.sample(buurten, lotCount)
            let valueCents = municipal ? random.int64(60_000...180_000) * 100 : random.int64(800...40_000) * 100
            var lots: [Lot] = []
            for (n, buurt) in places.enumerated() {
                let value = n == lotCount - 1 ? valueCents - valueCents / Int64(lotCount) * Int64(lotCount - 1) : valueCents / Int64(lotCount)
                let title = random.pick(skill.jobTitles).replacingOccurrences(of: "{buurt}", with: buurt)
                lots.append(Lot(number: UInt32(n + 1), title: title, buurten: [buurt], estimatedValueCents: value))
            }
            let buyer = municipal ? HistoryRun.municipality
                : Buyer(kind: .business, name: random.pick(HistoryNames.businesses), organisationId: HistoryIdentifiers.kvk(&random))
            let deadline = Timestamp(microsecondsSinceEpoch: today + Int64(random.int(14...45)) * day + 10 * 3_600_000_000)
            return PublishTender(
                tenderId: ids.next(), buyer: buyer,
                title: lotCount == 1 ? lots[0].title : "\(skill.key.capitalized): \(lotCount) percelen",
                description: "\(buyer.name) zoekt een \(skill.key) voor: \(lots.map(\.title).joined(separator: "; ")).",
                category: skill.category, procedure: municipal ? .nationaalOpenbaar : .vrijeInkoopPrivaat,
                estimatedValueCents: valueCents, mainCpv: skill.cpv, lots: lots, submissionDeadline: deadline,
                awardCriterion: municipal ? .bestePrijsKwaliteit : .laagstePrijs, participationRule: .singleParticipation,
                standstillDays: municipal ? 15 : 2, sroiBasisPoints: 0)
        }
    }
}
