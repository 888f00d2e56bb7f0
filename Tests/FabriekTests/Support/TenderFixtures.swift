import EventLog
import Events
import Foundation
@testable import Fabriek

/// A municipal gardening job (CPV 77310000-6) with two lots, deadline 2026-04-29T10:00:00Z.
enum TenderFixture {
    static let deadline = time("2026-04-29T10:00:00Z")
    static let municipality = Buyer(kind: .municipality, name: "Gemeente Maastricht", organisationId: "00000001001234567000")

    static let lots = [
        Lot(number: 1, title: "Groenonderhoud Wyck", buurten: ["Wyck"], estimatedValueCents: 2_000_000),
        Lot(number: 2, title: "Groenonderhoud Malberg", buurten: ["Malberg"], estimatedValueCents: 3_000_000),
    ]

    static func publish(procedure: ProcedureType = .nationaalOpenbaar, estimatedValueCents: Int64 = 5_000_000,
                        category: ProcurementCategory = .diensten, buyer: Buyer = municipality,
                        participationRule: ParticipationRule = .singleParticipation,
                        standstillDays: UInt32 = 20, lots: [Lot] = lots) -> PublishTender {
        PublishTender(tenderId: Fixture.tender, buyer: buyer, title: "Groenonderhoud buurten",
                      description: "Gardening by gardeners of the neighbourhood", category: category,
                      procedure: procedure, estimatedValueCents: estimatedValueCents, mainCpv: "77310000-6",
                      lots: lots, submissionDeadline: deadline, participationRule: participationRule,
                      standstillDays: standstillDays)
    }

    static func published(procedure: ProcedureType = .nationaalOpenbaar, estimatedValueCents: Int64 = 5_000_000,
                          participationRule: ParticipationRule = .singleParticipation,
                          standstillDays: UInt32 = 20) -> TenderEvent {
        .published(TenderPublished(
            tenderId: Fixture.tender, buyer: municipality, title: "Groenonderhoud buurten",
            description: "Gardening by gardeners of the neighbourhood", category: .diensten, procedure: procedure,
            estimatedValueCents: estimatedValueCents, mainCpv: "77310000-6", lots: lots, submissionDeadline: deadline,
            awardCriterion: .bestePrijsKwaliteit, participationRule: participationRule, standstillDays: standstillDays,
            sroiBasisPoints: 0))
    }

    static func member(_ id: UUID) -> PartyRef { PartyRef(kind: .member, id: id) }
    static func consortium(_ id: UUID) -> PartyRef { PartyRef(kind: .consortium, id: id) }

    static func submit(_ bid: UUID, lots: [UInt32], by bidder: PartyRef, priceCents: Int64 = 1_500_000) -> TenderCommand {
        .submitBid(bidId: bid, lots: lots, bidder: bidder, priceCents: priceCents, priceBasis: .fixedPrice)
    }

    static func submitted(_ bid: UUID, lots: [UInt32], by bidder: PartyRef, members: [UUID],
                          priceCents: Int64 = 1_500_000) -> TenderEvent {
        .bidSubmitted(BidSubmitted(tenderId: Fixture.tender, bidId: bid, lots: lots, bidder: bidder,
                                   participatingMemberIds: members, priceCents: priceCents, priceBasis: .fixedPrice))
    }

    static func evaluated(_ bid: UUID, _ outcome: BidOutcome = .valid) -> TenderEvent {
        .bidEvaluated(BidEvaluated(tenderId: Fixture.tender, bidId: bid, outcome: outcome,
                                   disqualificationReason: outcome == .disqualified ? "late KvK extract" : nil,
                                   scoreHundredths: outcome == .valid ? 8_500 : nil, rank: outcome == .valid ? 1 : nil))
    }

    static let closed = TenderEvent.submissionClosed(SubmissionClosed(tenderId: Fixture.tender, liveBidCount: 1))
}
