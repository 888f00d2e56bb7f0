import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation
import GRDB
import PersonalData
@testable import Projections

/// Builds small fixed histories by appending domain events directly, one commit per event,
/// with fixed ids and recorded-at times, so that logs (and their head hashes) are identical on
/// every run.
struct HistoryWriter {
    let log: EventLog
    private(set) var counter: UInt8 = 0

    init(log: EventLog) { self.log = log }

    /// Appends `event` to `stream` at `time` (ISO day plus hour, UTC) with the next fixed id.
    @discardableResult
    mutating func append(_ stream: String, _ event: DomainEvent, at time: Timestamp) async throws -> LogHead {
        counter += 1
        let id = UUID(uuid: (0xe7, 0x00, counter, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, counter))
        let proposed = ProposedEvent(id: id, type: event.typeName, schemaVersion: event.schemaVersion,
                                     payload: event.encodePayload(), recordedAt: time)
        return try await log.append(stream: stream, expectedVersion: .any, events: [proposed]).head
    }
}

enum T {
    /// A fixed id: `n` in the last byte.
    static func id(_ n: UInt8) -> UUID { UUID(uuid: (0x1d, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, n)) }
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Day(year: y, month: m, day: d)! }
    /// Noon UTC on the given day plus `minutes`.
    static func at(_ y: Int, _ m: Int, _ d: Int, _ minutes: Int64 = 0) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: (Int64(day(y, m, d).daysSinceEpoch) * 86_400 + 43_200 + minutes * 60) * 1_000_000)
    }
    static let reference = try! ReferenceData.load()
    static let geography = reference.maastricht
    static let sealedPlaceholder = SealedData(bytes: Array(repeating: 7, count: 40))

    static func member(_ n: UInt8) -> UUID { id(n) }
    static func stream(_ prefix: String, _ id: UUID) -> String { "\(prefix)-\(String(id: id))" }
}

/// The shared fixed history of the read-model, KPI and report tests: eight members (one in
/// Belgium), two tenders (municipality and business), a consortium, four bids, three awards,
/// three activities, three cross-border registrations, goals, an ended and an erased member,
/// over 2026-Q1 to Q3. No target groups (their sealing is random; see TargetGroupTests).
enum FixedHistory {
    static let buurten = ["Wyck", "Wyck", "Jekerkwartier", "Caberg", "Amby", "Scharn", "Biesland"]
    static let tender1 = T.id(101), tender2 = T.id(102), consortium = T.id(110)
    static let bid1 = T.id(121), bid2 = T.id(122), bid3 = T.id(123), bid4 = T.id(124)
    static let x1 = T.id(131), x2 = T.id(132), x3 = T.id(133)
    static let meetup1 = T.id(141), meetup2 = T.id(142), training = T.id(143)
    /// The instant after the last Q2 event and before the first Q3 one.
    static let endOfQ2 = T.at(2026, 6, 30)

    /// Writes the history into `log`; returns the writer (for more events).
    @discardableResult
    static func write(to log: EventLog) async throws -> HistoryWriter {
        var w = HistoryWriter(log: log)
        // Q1: members 1–6 in Maastricht.
        for n in UInt8(1)...6 {
            let m = T.member(n)
            try await w.append(T.stream("member", m), MemberRegistered(
                memberId: m, kind: .soleTrader, residenceCountry: .nl, personal: T.sealedPlaceholder,
                tradeName: "Vakwerk \(n)", registryIds: [RegistryId(scheme: .kvk, value: "6959908\(n)")],
                postcodeArea: "62\(10 + n)", buurt: buurten[Int(n) - 1], joinedOn: T.day(2026, 1, Int(n))).domainEvent,
                at: T.at(2026, 1, Int(n)))
        }
        for n in UInt8(1)...3 {
            try await w.append(T.stream("member", T.member(n)), MemberRegistryVerified(
                memberId: T.member(n), registryId: RegistryId(scheme: .kvk, value: "6959908\(n)"), verifiedAt: T.at(2026, 1, 10), registry: .erased).domainEvent,
                at: T.at(2026, 1, 10, Int64(n)))
        }
        let skills: [(UInt8, [String], String)] = [(1, ["tuinonderhoud", "snoeien"], "Hovenier in Wyck"), (2, ["tuinaanleg", "bestrating"], "Tuinen en paden"),
                                                   (3, ["schilderwerk"], "Schilder"), (4, ["webdesign"], "Websites voor ondernemers"),
                                                   (5, ["boekhouding"], "Administratie"), (6, ["tuinonderhoud"], "Groen aan huis")]
        for (n, s, headline) in skills {
            try await w.append(T.stream("member", T.member(n)), MemberSkillsDeclared(memberId: T.member(n), skills: s).domainEvent, at: T.at(2026, 1, 11, Int64(n) * 3))
            try await w.append(T.stream("member", T.member(n)), MemberProfileUpdated(memberId: T.member(n), headline: headline, languages: ["nl"]).domainEvent,
                               at: T.at(2026, 1, 11, Int64(n) * 3 + 1))
            try await w.append(T.stream("member", T.member(n)), MemberRateSet(memberId: T.member(n), unit: n % 2 == 0 ? .day : .hour,
                                                                           amountCents: Int64(n) * 2_000).domainEvent, at: T.at(2026, 1, 11, Int64(n) * 3 + 2))
        }
        try await w.append(T.stream("member", T.member(6)), MemberAvailabilityChanged(memberId: T.member(6), availability: .unavailable).domainEvent,
                           at: T.at(2026, 1, 12))
        // Q1: tender 1 (municipality), consortium 1+2, first meetup.
        try await w.append(T.stream("tender", tender1), TenderPublished(
            tenderId: tender1, buyer: Buyer(kind: .municipality, name: "Gemeente Maastricht", organisationId: "GM0935"),
            title: "Groenonderhoud Wyck en Jekerdal", description: "Maaien en snoeien.", category: .diensten, procedure: .meervoudigOnderhands,
            estimatedValueCents: 60_000_00, mainCpv: "77310000-6",
            lots: [Lot(number: 1, title: "Wyck", buurten: ["Wyck"]), Lot(number: 2, title: "Jekerdal", buurten: ["Jekerdal"])],
            submissionDeadline: T.at(2026, 4, 29), awardCriterion: .bestePrijsKwaliteit, participationRule: .singleParticipation,
            standstillDays: 20, sroiBasisPoints: 500).domainEvent, at: T.at(2026, 2, 1))
        try await w.append(T.stream("consortium", consortium), ConsortiumFormed(
            consortiumId: consortium, name: "Groen Wyck", scope: .standing, tenderId: nil, leadMemberId: T.member(1),
            members: [ConsortiumMembership(memberId: T.member(1), acceptedJointLiability: true, acceptedAt: T.at(2026, 2, 2)),
                      ConsortiumMembership(memberId: T.member(2), acceptedJointLiability: true, acceptedAt: T.at(2026, 2, 2))]).domainEvent,
            at: T.at(2026, 2, 2))
        try await w.append(T.stream("activity", meetup1), ProgrammeActivityHeld(
            activityId: meetup1, title: "Nieuwjaarsborrel", focusAreas: [.ontmoetend], activityType: .meetup, heldOn: T.day(2026, 2, 5),
            durationMinutes: 120, buurt: "Wyck", attendingMemberIds: (1...6).map { T.member($0) }, externalAttendeeCount: 3,
            partners: ["Gemeente Maastricht"], crossBorder: false).domainEvent, at: T.at(2026, 2, 5))
        try await w.append(T.stream("xborder", x1), CrossBorderWorkRegistered(
            assignmentId: x1, memberId: T.member(1), residenceCountry: .nl, workCountry: .be, emrRegion: .beLiege, clientKind: .business,
            startsOn: T.day(2026, 3, 1), endsOn: T.day(2026, 5, 31), sbiActivity: "81300", socialSecurityBasis: .posting).domainEvent,
            at: T.at(2026, 2, 10))
        try await w.append(T.stream("xborder", x1), A1CertificateRecorded(assignmentId: x1, status: .issued, issuer: "SVB",
                                                                         validFrom: T.day(2026, 3, 1), validUntil: T.day(2026, 5, 31)).domainEvent,
                           at: T.at(2026, 2, 20))
        for (goal, area, period, target, scale) in [("OPD-1", FocusArea.opdrachten, "2026", Int64(4), UInt32(0)),
                                                    ("LER-1", .lerend, "2026", 100, 0), ("FAC-1", .faciliterend, "programme", 50, 0),
                                                    ("ONT-1", .ontmoetend, "2026-Q1", 1, 0)] {
            try await w.append("goal-\(goal)-\(period)", ProgrammeGoalSet(
                focusArea: area, kpiCode: goal, period: period, startsOn: T.day(2026, 1, 1), endsOn: T.day(2026, 12, 31),
                targetValue: target, scale: scale).domainEvent, at: T.at(2026, 3, 1))
        }
        // Q2: members 7 (Maastricht) and 8 (Belgium), bids, awards, tender 2, meetup 2, training.
        try await w.append(T.stream("member", T.member(7)), MemberRegistered(
            memberId: T.member(7), kind: .soleTrader, residenceCountry: .nl, personal: T.sealedPlaceholder, tradeName: "Jan Janssen Klussen",
            postcodeArea: "6216", buurt: buurten[6], joinedOn: T.day(2026, 4, 2)).domainEvent, at: T.at(2026, 4, 2))
        try await w.append(T.stream("member", T.member(7)), MemberSkillsDeclared(memberId: T.member(7), skills: ["klussen", "tuinonderhoud"]).domainEvent,
                           at: T.at(2026, 4, 2, 1))
        try await w.append(T.stream("member", T.member(8)), MemberRegistered(
            memberId: T.member(8), kind: .foreignSelfEmployed, residenceCountry: .be, personal: T.sealedPlaceholder, tradeName: "Atelier Luik",
            joinedOn: T.day(2026, 4, 3)).domainEvent, at: T.at(2026, 4, 3))
        try await w.append(T.stream("tender", tender1), BidSubmitted(
            tenderId: tender1, bidId: bid1, lots: [1], bidder: PartyRef(kind: .consortium, id: consortium),
            participatingMemberIds: [T.member(1), T.member(2)], priceCents: 25_000_00, priceBasis: .fixedPrice).domainEvent, at: T.at(2026, 4, 10))
        try await w.append(T.stream("tender", tender1), BidSubmitted(
            tenderId: tender1, bidId: bid2, lots: [1, 2], bidder: PartyRef(kind: .member, id: T.member(3)),
            participatingMemberIds: [T.member(3)], priceCents: 30_000_00, priceBasis: .fixedPrice).domainEvent, at: T.at(2026, 4, 11))
        try await w.append(T.stream("tender", tender1), BidSubmitted(
            tenderId: tender1, bidId: bid4, lots: [2], bidder: PartyRef(kind: .member, id: T.member(5)),
            participatingMemberIds: [T.member(5)], priceCents: 20_000_00, priceBasis: .fixedPrice).domainEvent, at: T.at(2026, 4, 12))
        try await w.append(T.stream("tender", tender1), BidWithdrawn(tenderId: tender1, bidId: bid4, reason: "capacity").domainEvent, at: T.at(2026, 4, 13))
        try await w.append(T.stream("tender", tender1), SubmissionClosed(tenderId: tender1, liveBidCount: 2).domainEvent, at: T.at(2026, 4, 29, 1))
        try await w.append(T.stream("tender", tender1), BidEvaluated(tenderId: tender1, bidId: bid1, outcome: .valid, scoreHundredths: 8_500, rank: 1).domainEvent,
                           at: T.at(2026, 5, 1))
        try await w.append(T.stream("tender", tender1), BidEvaluated(tenderId: tender1, bidId: bid2, outcome: .valid, scoreHundredths: 7_000, rank: 2).domainEvent,
                           at: T.at(2026, 5, 1, 1))
        try await w.append(T.stream("tender", tender1), AwardIntended(tenderId: tender1, lot: 1, bidId: bid1, valueCents: 25_000_00,
                                                                      standstillEndsAt: T.at(2026, 5, 21)).domainEvent, at: T.at(2026, 5, 1, 2))
        try await w.append(T.stream("tender", tender1), AwardIntended(tenderId: tender1, lot: 2, bidId: bid2, valueCents: 12_000_00,
                                                                      standstillEndsAt: T.at(2026, 5, 21)).domainEvent, at: T.at(2026, 5, 1, 3))
        try await w.append(T.stream("tender", tender2), TenderPublished(
            tenderId: tender2, buyer: Buyer(kind: .business, name: "Bakkerij Lemmens"), title: "Nieuwe website",
            description: "Webshop voor de bakkerij.", category: .diensten, procedure: .vrijeInkoopPrivaat, estimatedValueCents: 8_000_00,
            mainCpv: "72413000-8", lots: [Lot(number: 1, title: "Website", buurten: [])], submissionDeadline: T.at(2026, 9, 1),
            awardCriterion: .laagstePrijs, participationRule: .singleParticipation, standstillDays: 0, sroiBasisPoints: 0).domainEvent,
            at: T.at(2026, 5, 5))
        try await w.append(T.stream("tender", tender2), BidSubmitted(
            tenderId: tender2, bidId: bid3, lots: [1], bidder: PartyRef(kind: .member, id: T.member(4)),
            participatingMemberIds: [T.member(4)], priceCents: 7_500_00, priceBasis: .fixedPrice).domainEvent, at: T.at(2026, 5, 6))
        try await w.append(T.stream("activity", meetup2), ProgrammeActivityHeld(
            activityId: meetup2, title: "Koffie in Caberg", focusAreas: [.ontmoetend, .verbindend], activityType: .meetup, heldOn: T.day(2026, 5, 12),
            durationMinutes: 90, buurt: "Caberg", attendingMemberIds: [T.member(1), T.member(2)], externalAttendeeCount: 0,
            partners: [], crossBorder: false).domainEvent, at: T.at(2026, 5, 12))
        try await w.append(T.stream("activity", training), ProgrammeActivityHeld(
            activityId: training, title: "Offertes schrijven", focusAreas: [.lerend], activityType: .training, heldOn: T.day(2026, 5, 20),
            durationMinutes: 180, buurt: "Binnenstad", attendingMemberIds: [T.member(3), T.member(4)], externalAttendeeCount: 0,
            partners: ["Kamer van Koophandel"], crossBorder: false).domainEvent, at: T.at(2026, 5, 20))
        try await w.append(T.stream("activity", training), TrainingHoursRecorded(activityId: training, memberId: T.member(3), durationMinutes: 180).domainEvent,
                           at: T.at(2026, 5, 20, 1))
        try await w.append(T.stream("activity", training), TrainingHoursRecorded(activityId: training, memberId: T.member(4), durationMinutes: 150).domainEvent,
                           at: T.at(2026, 5, 20, 2))
        try await w.append(T.stream("xborder", x2), CrossBorderWorkRegistered(
            assignmentId: x2, memberId: T.member(8), residenceCountry: .be, workCountry: .nl, emrRegion: .nlSouthLimburg, clientKind: .publicBody,
            startsOn: T.day(2026, 6, 1), endsOn: T.day(2026, 8, 31), sbiActivity: "74101", socialSecurityBasis: .residence).domainEvent,
            at: T.at(2026, 5, 25))
        try await w.append(T.stream("xborder", x3), CrossBorderWorkRegistered(
            assignmentId: x3, memberId: T.member(2), residenceCountry: .nl, workCountry: .de, emrRegion: .deRegionAachen, clientKind: .business,
            startsOn: T.day(2026, 6, 2), endsOn: T.day(2026, 7, 31), sbiActivity: "81300", socialSecurityBasis: .posting).domainEvent,
            at: T.at(2026, 5, 26))
        try await w.append(T.stream("xborder", x3), A1CertificateRecorded(assignmentId: x3, status: .applied).domainEvent, at: T.at(2026, 6, 10))
        try await w.append(T.stream("tender", tender1), AwardFinalised(tenderId: tender1, lot: 1, bidId: bid1).domainEvent, at: T.at(2026, 6, 20))
        // Q3: member 6 leaves, member 7 is erased.
        try await w.append(T.stream("member", T.member(6)), MembershipEnded(memberId: T.member(6), reason: .ceasedTrading, endedOn: T.day(2026, 7, 1)).domainEvent,
                           at: T.at(2026, 7, 1))
        try await w.append(T.stream("member", T.member(7)), MemberErased(memberId: T.member(7), erasedAt: T.at(2026, 7, 2), reason: .dataSubjectRequest).domainEvent,
                           at: T.at(2026, 7, 2))
        return w
    }

    /// A fresh log holding the fixed history, in a temporary store.
    static func makeLog() async throws -> (TestStore, EventLog) {
        let store = TestStore()
        let log = try store.openLog()
        try await write(to: log)
        return (store, log)
    }
}

extension DatabaseQueue {
    /// A synchronous read, callable from async tests (where `read` means the async overload).
    func now<T>(_ body: (Database) throws -> T) throws -> T { try read(body) }
    /// A synchronous write, callable from async tests.
    func nowWrite<T>(_ body: (Database) throws -> T) throws -> T { try write(body) }
}

/// Members with sealed target groups: `count` members in Wyck joining in January 2026; member
/// `n` declares `groups(n)` (nothing when empty), sealed in a fresh vault.
enum TargetGroupHistory {
    static func make(count: UInt8, groups: (UInt8) -> [TargetGroup]) async throws -> (TestStore, EventLog, PersonalDataVault) {
        let store = TestStore()
        let log = try store.openLog()
        let vault = try PersonalDataVault.open(directory: store.root + "/vault", environment: ["FABRIEK_MASTER_KEY": String(repeating: "cd", count: 32)])
        var w = HistoryWriter(log: log)
        for n in UInt8(1)...count {
            let m = T.member(n)
            try await w.append(T.stream("member", m), MemberRegistered(
                memberId: m, kind: .soleTrader, residenceCountry: .nl, personal: T.sealedPlaceholder, buurt: "Wyck",
                joinedOn: T.day(2026, 1, Int(n))).domainEvent, at: T.at(2026, 1, Int(n)))
            let declared = groups(n)
            guard !declared.isEmpty else { continue }
            try await w.append(T.stream("member", m), MemberTargetGroupsDeclared(
                memberId: m, consentId: T.id(200 + n),
                details: try MemberTargetGroupsDeclared.seal(TargetGroupDetails(groups: declared), memberId: m, in: vault),
                declaredAt: T.at(2026, 1, Int(n), 5)).domainEvent, at: T.at(2026, 1, Int(n), 5))
        }
        return (store, log, vault)
    }
}

/// Issues `report` under `reportId` through the application service (`ReportDecider`), as the
/// admin CLI and the server do. A vault is made in `store` when none is given.
func issue(_ report: Report, reportId: UUID, log: EventLog, store: TestStore, vault: PersonalDataVault? = nil) async throws {
    let vault = try vault ?? PersonalDataVault.open(directory: store.root + "/issuer-vault",
                                                    environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
    let service = try ApplicationService(log: log, vault: vault, reference: T.reference)
    _ = try await service.execute(ReportDecider.self, stream: ReportDecider.streamId(reportId), command: .issue(report.issuedEvent(reportId: reportId)))
}
