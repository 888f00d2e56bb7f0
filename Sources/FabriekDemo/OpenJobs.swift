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
                tenderId: UUID(uuid: uuidBytes(&random)), buyer: buyer,
                title: lotCount == 1 ? lots[0].title : "\(skill.key.capitalized): \(lotCount) percelen",
                description: "\(buyer.name) zoekt een \(skill.key) voor: \(lots.map(\.title).joined(separator: "; ")).",
                category: skill.category, procedure: municipal ? .nationaalOpenbaar : .vrijeInkoopPrivaat,
                estimatedValueCents: valueCents, mainCpv: skill.cpv, lots: lots, submissionDeadline: deadline,
                awardCriterion: municipal ? .bestePrijsKwaliteit : .laagstePrijs, participationRule: .singleParticipation,
                standstillDays: municipal ? 15 : 2, sroiBasisPoints: 0)
        }
    }

    /// A version 4 UUID from the generator.
    private static func uuidBytes(_ random: inout HistoryRandom) -> uuid_t {
        var bytes = [UInt8](repeating: 0, count: 16)
        for half in 0..<2 {
            let word = random.next()
            for i in 0..<8 { bytes[half * 8 + i] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i))) }
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15])
    }
}
