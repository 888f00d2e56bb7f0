import EventLog
import Events
import Foundation
import PersonalData
import Testing
@testable import Projections

/// DOMAIN.md, "Cancelled tenders": an award on a tender whose `TenderCancelled` lies within the
/// report's position counts in no KPI; cancelled after the position, it counts in that report.
/// The values are the computed ones before suppression (the rule is about counting).
@Suite struct CancelledTenderTests {
    static let tender = T.id(60), consortium = T.id(61), bidConsortium = T.id(62), bidSolo = T.id(63)

    /// Given members 1–3 in Wyck, a consortium of 1 and 2, a municipal tender with lot 1 in Wyck
    /// and lot 2 in Jekerdal, a consortium bid on lot 1 and a solo bid of member 3 on lot 2, both
    /// awarded (€ 10,000 and € 5,000); then the tender is cancelled.
    /// Returns the positions before and after the cancellation.
    func history() async throws -> (TestStore, EventLog, before: UInt64, after: UInt64) {
        let store = TestStore()
        let log = try store.openLog()
        var w = HistoryWriter(log: log)
        for n in UInt8(1)...3 {
            try await w.append(T.stream("member", T.member(n)), MemberRegistered(
                memberId: T.member(n), kind: .soleTrader, residenceCountry: .nl, personal: T.sealedPlaceholder, buurt: "Wyck",
                joinedOn: T.day(2026, 1, Int(n))).domainEvent, at: T.at(2026, 1, Int(n)))
        }
        try await w.append(T.stream("consortium", Self.consortium), ConsortiumFormed(
            consortiumId: Self.consortium, name: "Groen Wyck", scope: .standing, tenderId: nil, leadMemberId: T.member(1),
            members: [ConsortiumMembership(memberId: T.member(1), acceptedJointLiability: true, acceptedAt: T.at(2026, 2, 2)),
                      ConsortiumMembership(memberId: T.member(2), acceptedJointLiability: true, acceptedAt: T.at(2026, 2, 2))]).domainEvent,
            at: T.at(2026, 2, 2))
        let stream = T.stream("tender", Self.tender)
        try await w.append(stream, TenderPublished(
            tenderId: Self.tender, buyer: Buyer(kind: .municipality, name: "Gemeente Maastricht", organisationId: "GM0935"),
            title: "Groen", description: "Maaien.", category: .diensten, procedure: .meervoudigOnderhands, estimatedValueCents: 20_000_00,
            mainCpv: "77310000-6", lots: [Lot(number: 1, title: "Wyck", buurten: ["Wyck"]), Lot(number: 2, title: "Jekerdal", buurten: ["Jekerdal"])],
            submissionDeadline: T.at(2026, 4, 1), awardCriterion: .bestePrijsKwaliteit, participationRule: .singleParticipation,
            standstillDays: 20, sroiBasisPoints: 0).domainEvent, at: T.at(2026, 3, 1))
        try await w.append(stream, BidSubmitted(tenderId: Self.tender, bidId: Self.bidConsortium, lots: [1],
                                                 bidder: PartyRef(kind: .consortium, id: Self.consortium), participatingMemberIds: [T.member(1), T.member(2)],
                                                 priceCents: 10_000_00, priceBasis: .fixedPrice).domainEvent, at: T.at(2026, 3, 10))
        try await w.append(stream, BidSubmitted(tenderId: Self.tender, bidId: Self.bidSolo, lots: [2],
                                                 bidder: PartyRef(kind: .member, id: T.member(3)), participatingMemberIds: [T.member(3)],
                                                 priceCents: 5_000_00, priceBasis: .fixedPrice).domainEvent, at: T.at(2026, 3, 11))
        try await w.append(stream, AwardIntended(tenderId: Self.tender, lot: 1, bidId: Self.bidConsortium, valueCents: 10_000_00,
                                                 standstillEndsAt: T.at(2026, 5, 1)).domainEvent, at: T.at(2026, 4, 10))
        let before = try await w.append(stream, AwardIntended(tenderId: Self.tender, lot: 2, bidId: Self.bidSolo, valueCents: 5_000_00,
                                                              standstillEndsAt: T.at(2026, 5, 1)).domainEvent, at: T.at(2026, 4, 10, 1))
        let after = try await w.append(stream, TenderCancelled(tenderId: Self.tender, reason: "budget withdrawn").domainEvent, at: T.at(2026, 4, 20))
        return (store, log, before.position, after.position)
    }

    func raw(_ log: EventLog, _ position: UInt64, _ kpi: String, _ breakdown: String = "") throws -> KPICell? {
        try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).compute(asOf: position).raw
            .first { $0.kpi == kpi && $0.period == "programme" && $0.breakdown == breakdown }
    }

    @Test func com1CountsTheAwardsUntilTheCancellation() async throws {
        let (store, log, before, after) = try await history()
        defer { store.remove() }
        // When the report's position lies before the cancellation, then both awards count
        #expect(try raw(log, before, "COM-1")?.value == 15_000_00)
        #expect(try raw(log, before, "COM-1", "client=municipality")?.value == 15_000_00)
        // and once the cancellation is within the position, none does.
        #expect(try raw(log, after, "COM-1")?.value == 0)
        #expect(try raw(log, after, "COM-1", "client=municipality") == nil)
    }

    @Test func opd2WinRateCountsTheAwardsUntilTheCancellation() async throws {
        let (store, log, before, after) = try await history()
        defer { store.remove() }
        #expect(try raw(log, before, "OPD-2", "bidder=member;measure=winRate")?.value == 1000)
        #expect(try raw(log, before, "OPD-2", "bidder=consortium;measure=winRate")?.value == 1000)
        // The bids still count as bids; they are no longer won.
        #expect(try raw(log, after, "OPD-2")?.value == 2)
        #expect(try raw(log, after, "OPD-2", "bidder=member;measure=winRate")?.value == 0)
        #expect(try raw(log, after, "OPD-2", "bidder=consortium;measure=winRate")?.value == 0)
    }

    @Test func opd4CountsTheAwardedLotsUntilTheCancellation() async throws {
        let (store, log, before, after) = try await history()
        defer { store.remove() }
        // Lot 1 (Wyck) was won by members living in Wyck, lot 2 (Jekerdal) was not: 50.0%.
        #expect(try raw(log, before, "OPD-4")?.value == 500)
        #expect(try raw(log, before, "OPD-4", "measure=awardedLots")?.value == 2)
        // After the cancellation no lot is awarded: the share has no base and shows `–`.
        #expect(try raw(log, after, "OPD-4", "measure=awardedLots")?.value == 0)
        let share = try #require(try raw(log, after, "OPD-4"))
        #expect(share.value == 0 && share.isUndefined && share.displayValue == "–")
    }

    @Test func ver1WinRateCountsTheAwardsUntilTheCancellation() async throws {
        let (store, log, before, after) = try await history()
        defer { store.remove() }
        #expect(try raw(log, before, "VER-1", "measure=winRate")?.value == 1000)
        #expect(try raw(log, after, "VER-1", "measure=winRate")?.value == 0)
        // The consortium still bid: forming and bidding do not depend on the award.
        #expect(try raw(log, after, "VER-1", "measure=shareThatBid")?.value == 1000)
    }

    @Test func theRuleLivesInOnePlace() throws {
        // Every KPI reads awards through `countedAwards`; the raw table appears only in its
        // definition and in the list of quarters with facts (which counts nothing).
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Projections/ReadModels/ProgrammeKPIs/KPIDefinitions.swift"),
            encoding: .utf8)
        let uses = source.components(separatedBy: "FROM awards").count - 1
        #expect(uses == 2, "awards must be read through KPIDefinitions.countedAwards only")
        #expect(source.contains("SELECT a.* FROM awards a JOIN tenders t USING (tender_id) WHERE t.cancelled = 0"))
        #expect(source.contains("FROM \\(countedAwards)"))
    }
}
