import EventLog
import Events
import Fabriek
import Foundation
import Synchronization

/// A deterministic log of Fabriek's own domain events, for the typed-replay benchmark: the mix
/// of a busy cooperative (profile updates, skills, rates, tenders with lots, bids, evaluations,
/// awards, YouRegion registrations, activities and training hours), each event built as the
/// catalogue's typed value and stored with its protobuf payload. Personal data is a sealed blob
/// of typical size (random bytes, incompressible like real AES-GCM output).
struct DomainWorkload {
    let count: Int
    let seed: UInt64

    private struct Random {
        var s: SplitMix64
        mutating func next() -> UInt64 { s.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func uuid() -> UUID {
            let a = next(), b = next()
            return withUnsafeBytes(of: (a, b)) { UUID(uuid: $0.load(as: uuid_t.self)) }
        }
        mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
        mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    }

    static let buurten = ["Binnenstad", "Jekerkwartier", "Kommelkwartier", "Statenkwartier", "Wyck", "Céramique",
                          "Belfort", "Caberg", "Daalhof", "Malberg", "Mariaberg", "Pottenberg", "Amby", "Heugemerveld",
                          "Limmel", "Nazareth", "Scharn", "Wittevrouwenveld", "Wyckerpoort", "Biesland", "Campagne",
                          "Sint Pieter", "Villapark", "Wolder"]
    static let skills = ["hovenier", "schilder", "cateraar", "ICT", "marketing", "fotograaf", "timmerman", "loodgieter",
                         "boekhouder", "vertaler NL-DE", "grafisch ontwerp", "schoonmaak", "elektricien", "coach"]
    static let cpv = ["77310000-6", "45442100-8", "55520000-1", "72000000-5", "79340000-9", "79961000-8"]

    /// The domain log's clock: 2026-12-01T00:00:00Z, one microsecond later at each reading, so
    /// that the recorded times, and so the read models' digests, are the same in every run.
    static func clock() -> @Sendable () -> Timestamp {
        let box = TickBox()
        return { Timestamp(microsecondsSinceEpoch: 1_796_083_200_000_000 + box.next()) }
    }

    private final class TickBox: Sendable {
        let ticks = Atomic<Int64>(0)
        func next() -> Int64 { ticks.add(1, ordering: .relaxed).newValue }
    }

    /// Appends the workload to `log` in commits of 1,000 events (the log's durability is the caller's choice).
    func write(to log: EventLog) async throws {
        var r = Random(s: SplitMix64(seed: seed))
        var members: [UUID] = []
        var tenders: [(UUID, Int)] = []
        var assignments: [UUID] = []
        var activities: [UUID] = []
        var batch: [StreamAppend] = []
        batch.reserveCapacity(1000)
        let start = Day(year: 2019, month: 1, day: 1)!
        for i in 0..<count {
            let roll = r.below(100)
            let day = Day(daysSinceEpoch: start.daysSinceEpoch + Int32(i * 1096 / count))
            let at = Timestamp(microsecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000 + Int64(r.below(36_000)) * 1_000_000)
            let event: DomainEvent
            let stream: String
            if members.count < 50 || roll < 10 {
                let id = r.uuid()
                members.append(id)
                stream = StreamID.member(id)
                event = Events.MemberRegistered(memberId: id, kind: .soleTrader, residenceCountry: r.below(10) < 8 ? .nl : .be,
                                         personal: SealedData(bytes: r.bytes(96 + r.below(40))),
                                         tradeName: "\(r.pick(Self.skills).capitalized) \(r.pick(Self.buurten))",
                                         registryIds: [RegistryId(scheme: .kvk, value: String(10_000_000 + r.below(89_999_999)))],
                                         vatId: nil, postcodeArea: String(6211 + r.below(18)), buurt: r.pick(Self.buurten),
                                         sbiCodes: [String(10_000 + r.below(89_999))], joinedOn: day).domainEvent
            } else if roll < 35 {
                let m = r.pick(members)
                stream = StreamID.member(m)
                event = Events.MemberProfileUpdated(memberId: m, headline: "\(r.pick(Self.skills)) in \(r.pick(Self.buurten))",
                                             description: nil, languages: ["nl", r.pick(["de", "en", "fr"])],
                                             serviceBuurten: [r.pick(Self.buurten), r.pick(Self.buurten)],
                                             serviceRadiusKm: UInt32(5 + r.below(40)),
                                             serviceCountries: [.nl, r.pick([.be, .de])]).domainEvent
            } else if roll < 45 {
                let m = r.pick(members)
                stream = StreamID.member(m)
                event = MemberSkillsDeclared(memberId: m, skills: [r.pick(Self.skills), r.pick(Self.skills)],
                                             cpvInterests: [r.pick(Self.cpv)]).domainEvent
            } else if roll < 50 {
                let m = r.pick(members)
                stream = StreamID.member(m)
                event = MemberRateSet(memberId: m, unit: .hour, amountCents: Int64(3_000 + r.below(9_000))).domainEvent
            } else if tenders.count < 10 || roll < 54 {
                let id = r.uuid()
                let lots = 1 + r.below(3)
                tenders.append((id, lots))
                stream = StreamID.tender(id)
                event = Events.TenderPublished(
                    tenderId: id, buyer: Buyer(kind: .municipality, name: "Gemeente Maastricht", organisationId: nil),
                    title: "\(r.pick(Self.skills).capitalized) \(r.pick(Self.buurten))",
                    description: "Werkzaamheden in de buurt, in overleg met bewoners.", category: .diensten,
                    procedure: .meervoudigOnderhands, estimatedValueCents: Int64(500_000 + r.below(5_000_000)),
                    mainCpv: r.pick(Self.cpv),
                    lots: (1...lots).map { Lot(number: UInt32($0), title: "Perceel \($0)", buurten: [r.pick(Self.buurten)]) },
                    submissionDeadline: Timestamp(microsecondsSinceEpoch: at.microsecondsSinceEpoch + 14 * 86_400_000_000),
                    awardCriterion: .bestePrijsKwaliteit, participationRule: .singleParticipation, standstillDays: 20,
                    sroiBasisPoints: 0).domainEvent
            } else if roll < 76 {
                let (t, lots) = r.pick(tenders)
                stream = StreamID.tender(t)
                let m = r.pick(members)
                event = Events.BidSubmitted(tenderId: t, bidId: r.uuid(), lots: [UInt32(1 + r.below(lots))],
                                     bidder: PartyRef(kind: .member, id: m), participatingMemberIds: [m],
                                     priceCents: Int64(100_000 + r.below(4_000_000)), priceBasis: .fixedPrice).domainEvent
            } else if roll < 80 {
                let (t, _) = r.pick(tenders)
                stream = StreamID.tender(t)
                event = BidEvaluated(tenderId: t, bidId: r.uuid(), outcome: .valid,
                                     scoreHundredths: Int64(r.below(10_000)), rank: UInt32(1 + r.below(5))).domainEvent
            } else if roll < 83 {
                let (t, _) = r.pick(tenders)
                stream = StreamID.tender(t)
                event = AwardIntended(tenderId: t, lot: 1, bidId: r.uuid(), valueCents: Int64(100_000 + r.below(4_000_000)),
                                      standstillEndsAt: at).domainEvent
            } else if assignments.isEmpty || roll < 88 {
                let id = r.uuid()
                assignments.append(id)
                stream = StreamID.crossBorder(id)
                event = Events.CrossBorderWorkRegistered(assignmentId: id, memberId: r.pick(members), residenceCountry: .nl,
                                                  workCountry: r.pick([.be, .de]), emrRegion: r.pick([.beLiege, .deRegionAachen, .beLimburg]),
                                                  clientKind: .business, startsOn: day,
                                                  endsOn: Day(daysSinceEpoch: day.daysSinceEpoch + Int32(30 + r.below(300))),
                                                  sbiActivity: String(10_000 + r.below(89_999)),
                                                  socialSecurityBasis: .residence, clientCountry: nil).domainEvent
            } else if roll < 91 {
                let a = r.pick(assignments)
                stream = StreamID.crossBorder(a)
                event = A1CertificateRecorded(assignmentId: a, status: .issued, issuer: "SVB", validFrom: day, validUntil: day).domainEvent
            } else if activities.isEmpty || roll < 94 {
                let id = r.uuid()
                activities.append(id)
                stream = StreamID.activity(id)
                event = ProgrammeActivityHeld(activityId: id, title: "Meetup \(r.pick(Self.buurten))", focusAreas: [.ontmoetend],
                                              activityType: .meetup, heldOn: day, durationMinutes: 120, buurt: r.pick(Self.buurten),
                                              attendingMemberIds: (0..<(3 + r.below(8))).map { _ in r.pick(members) },
                                              externalAttendeeCount: UInt32(r.below(20)), partners: [], crossBorder: false).domainEvent
            } else {
                let a = r.pick(activities)
                stream = StreamID.activity(a)
                event = TrainingHoursRecorded(activityId: a, memberId: r.pick(members), durationMinutes: UInt32(30 + r.below(240))).domainEvent
            }
            batch.append(StreamAppend(stream: stream, expectedVersion: .any,
                                      events: [event.proposed(id: r.uuid(), metadata: ["actor": "bench", "role": "coordinator"])]))
            if batch.count == 1000 || i == count - 1 {
                _ = try await log.append(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Decodes every payload into its typed event (`forEachEvent(decodedBy:)`: on both cores);
    /// returns the number decoded and a checksum that depends on the decoded values (so the
    /// work cannot be skipped).
    static func replayTyped(_ log: EventLog) throws -> (events: Int, checksum: Int) {
        var n = 0
        var checksum = 0
        try log.forEachEvent(from: 1, decodedBy: { view in
            try EventCatalogue.decode(typeBytes: view.typeBytes, schemaVersion: view.schemaVersion, payload: view.payload)
        }) { _, event in
            switch event {
            case .member: checksum &+= 1
            case .tender: checksum &+= 3
            case .crossBorder: checksum &+= 5
            case .consortium, .programme, .historyImport: checksum &+= 7
            }
            n += 1
        }
        return (n, checksum)
    }
}
