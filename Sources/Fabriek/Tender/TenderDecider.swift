import EventLog
import Events
import Foundation

/// The decider of the Tender aggregate: publication, invitations, bids, evaluation and award.
///
/// Bids live in the tender's stream so that the deadline (invariant 1) and single participation
/// (invariant 4) are checked against a consistent state: the append's expected version makes a
/// concurrent bid retry against the state that includes the other.
public enum TenderDecider: Decider {
    public static let initialState = TenderState.initial

    /// The stream of a tender.
    public static func streamId(_ tenderId: UUID) -> String { StreamID.tender(tenderId) }

    public static func decide(_ command: TenderCommand, state: TenderState,
                              context: DecisionContext) throws(DomainError) -> [TenderEvent] {
        if case .publish(let p) = command {
            guard state.status == .unpublished else { throw .alreadyExists(stream: streamId(p.tenderId)) }
            return [.published(try publish(p, context: context))]
        }
        guard let tenderId = state.tenderId else { throw .notFound(stream: "tender") }
        let now = context.now

        switch command {
        case .publish:
            preconditionFailure("handled above")

        case let .amend(title, description, deadline, estimated, lots, reason):
            guard state.status == .open else { throw .tenderNotOpen(status: state.status) }
            if let title, title.trimmingWhitespace.isEmpty {
                throw .validation(ValidationError(field: "title", rule: .required, value: title))
            }
            if let deadline, deadline <= now { throw .deadlineNotInFuture(deadline: deadline, now: now) }
            if let estimated, estimated < 0 { throw .amountNegative(field: "estimatedValueCents", amountCents: estimated) }
            if !lots.isEmpty {
                try ProcurementRules.checkLots(lots, geography: context.reference.maastricht)
                let kept = Set(lots.map(\.number))
                for old in state.lots where !kept.contains(old.number) && !state.liveBids(onLot: old.number).isEmpty {
                    throw .lotHasLiveBids(lot: old.number)
                }
            }
            if let estimated, let buyer = state.buyer {
                try ProcurementRules.check(buyer: buyer.kind, category: state.category, procedure: state.procedure,
                                           estimatedValueCents: estimated, standstillDays: state.standstillDays,
                                           now: now, thresholds: context.reference.euThresholds)
            }
            return [.amended(TenderAmended(tenderId: tenderId, title: title, description: description,
                                           submissionDeadline: deadline, estimatedValueCents: estimated,
                                           lots: lots, reason: reason))]

        case let .invite(party, isLocal, reason):
            guard state.status == .open else { throw .tenderNotOpen(status: state.status) }
            guard !state.invited.contains(party) else { throw .alreadyInvited(party: party) }
            try requireExists(party, context: context)
            return [.participantInvited(ParticipantInvited(tenderId: tenderId, participant: party,
                                                           isLocal: isLocal, reason: reason))]

        case let .submitBid(bidId, lots, bidder, price, basis):
            return [.bidSubmitted(try submitBid(bidId: bidId, lots: lots, bidder: bidder, priceCents: price,
                                                priceBasis: basis, tenderId: tenderId, state: state, context: context))]

        case let .withdrawBid(bidId, reason):
            guard state.status == .open else { throw .tenderNotOpen(status: state.status) }
            guard now < state.submissionDeadline else {
                throw .bidAfterDeadline(deadline: state.submissionDeadline, now: now)
            }
            guard let bid = state.bid(bidId) else { throw .unknownBid(bid: bidId) }
            guard !bid.isWithdrawn else { throw .bidWithdrawn(bid: bidId) }
            return [.bidWithdrawn(BidWithdrawn(tenderId: tenderId, bidId: bidId, reason: reason))]

        case .closeSubmission:
            guard state.status == .open else { throw .tenderNotOpen(status: state.status) }
            guard now >= state.submissionDeadline else {
                throw .deadlineNotPassed(deadline: state.submissionDeadline, now: now)
            }
            let live = state.bids.filter { !$0.isWithdrawn }.count
            return [.submissionClosed(SubmissionClosed(tenderId: tenderId, liveBidCount: UInt32(live)))]

        case let .evaluateBid(bidId, outcome, reason, score, rank):
            try requireClosed(state)
            guard let bid = state.bid(bidId) else { throw .unknownBid(bid: bidId) }
            guard !bid.isWithdrawn else { throw .bidWithdrawn(bid: bidId) }
            guard bid.outcome == nil else { throw .bidAlreadyEvaluated(bid: bidId) }
            if outcome == .disqualified, (reason ?? "").trimmingWhitespace.isEmpty {
                throw .disqualificationWithoutReason(bid: bidId)
            }
            return [.bidEvaluated(BidEvaluated(tenderId: tenderId, bidId: bidId, outcome: outcome,
                                               disqualificationReason: reason, scoreHundredths: score, rank: rank))]

        case let .intendAward(lot, bidId, value):
            try requireClosed(state)
            guard state.lots.contains(where: { $0.number == lot }) else { throw .unknownLot(lot: lot) }
            if let existing = state.awards[lot] { throw .lotAlreadyAwarded(lot: lot, existingBid: existing.bidId) }
            guard let bid = state.bid(bidId) else { throw .unknownBid(bid: bidId) }
            guard !bid.isWithdrawn else { throw .bidWithdrawn(bid: bidId) }
            guard bid.lots.contains(lot) else { throw .bidDoesNotCoverLot(bid: bidId, lot: lot) }
            guard bid.outcome == .valid else { throw .bidNotEvaluatedValid(bid: bidId, outcome: bid.outcome) }
            guard value > 0 else { throw .priceNotPositive(priceCents: value) }
            let endsAt = now.adding(days: Int(state.standstillDays))
            return [.awardIntended(AwardIntended(tenderId: tenderId, lot: lot, bidId: bidId, valueCents: value,
                                                 standstillEndsAt: endsAt))]

        case let .finaliseAward(lot):
            guard state.status != .cancelled else { throw .tenderNotOpen(status: state.status) }
            guard let award = state.awards[lot] else { throw .noAwardIntended(lot: lot) }
            guard !award.isFinal else { throw .awardAlreadyFinalised(lot: lot) }
            guard now >= award.standstillEndsAt else {
                throw .standstillNotOver(endsAt: award.standstillEndsAt, now: now)
            }
            return [.awardFinalised(AwardFinalised(tenderId: tenderId, lot: lot, bidId: award.bidId))]

        case let .cancel(reason):
            guard state.status == .open || state.status == .closed else { throw .tenderNotOpen(status: state.status) }
            if let final = state.awards.values.filter(\.isFinal).map(\.lot).min() {
                throw .tenderHasFinalAward(lot: final)
            }
            return [.cancelled(TenderCancelled(tenderId: tenderId, reason: reason))]
        }
    }

    public static func evolve(_ state: TenderState, _ event: TenderEvent) -> TenderState {
        var s = state
        switch event {
        case .published(let e):
            s.tenderId = e.tenderId
            s.status = .open
            s.buyer = e.buyer
            s.category = e.category
            s.procedure = e.procedure
            s.estimatedValueCents = e.estimatedValueCents
            s.lots = e.lots
            s.submissionDeadline = e.submissionDeadline
            s.participationRule = e.participationRule
            s.standstillDays = e.standstillDays
        case .amended(let e):
            if let d = e.submissionDeadline { s.submissionDeadline = d }
            if let v = e.estimatedValueCents { s.estimatedValueCents = v }
            if !e.lots.isEmpty { s.lots = e.lots }
        case .participantInvited(let e):
            if !s.invited.contains(e.participant) { s.invited.append(e.participant) }
        case .bidSubmitted(let e):
            s.bids.append(BidState(bidId: e.bidId, lots: e.lots, bidder: e.bidder, participants: e.participatingMemberIds,
                                   priceCents: e.priceCents, isWithdrawn: false, outcome: nil))
        case .bidWithdrawn(let e):
            if let i = s.bids.firstIndex(where: { $0.bidId == e.bidId }) { s.bids[i].isWithdrawn = true }
        case .submissionClosed:
            s.status = .closed
        case .bidEvaluated(let e):
            if let i = s.bids.firstIndex(where: { $0.bidId == e.bidId }) { s.bids[i].outcome = e.outcome }
        case .awardIntended(let e):
            s.awards[e.lot] = AwardState(lot: e.lot, bidId: e.bidId, valueCents: e.valueCents,
                                         standstillEndsAt: e.standstillEndsAt, isFinal: false)
        case .awardFinalised(let e):
            s.awards[e.lot]?.isFinal = true
        case .cancelled:
            s.status = .cancelled
        }
        return s
    }

    // MARK: Publication

    private static func publish(_ p: PublishTender, context: DecisionContext) throws(DomainError) -> TenderPublished {
        guard !p.title.trimmingWhitespace.isEmpty else {
            throw .validation(ValidationError(field: "title", rule: .required, value: p.title))
        }
        guard !p.buyer.name.trimmingWhitespace.isEmpty else {
            throw .validation(ValidationError(field: "buyer.name", rule: .required, value: p.buyer.name))
        }
        let cpv = try DomainError.validating { () throws(ValidationError) in try CPVCode(p.mainCpv, field: "mainCpv") }
        try ProcurementRules.checkLots(p.lots, geography: context.reference.maastricht)
        guard p.estimatedValueCents >= 0 else {
            throw .amountNegative(field: "estimatedValueCents", amountCents: p.estimatedValueCents)
        }
        guard p.submissionDeadline > context.now else {
            throw .deadlineNotInFuture(deadline: p.submissionDeadline, now: context.now)
        }
        guard p.sroiBasisPoints <= 10_000 else {
            throw .validation(ValidationError(field: "sroiBasisPoints", rule: .percentageRange,
                                              value: String(p.sroiBasisPoints)))
        }
        try ProcurementRules.check(buyer: p.buyer.kind, category: p.category, procedure: p.procedure,
                                   estimatedValueCents: p.estimatedValueCents, standstillDays: p.standstillDays,
                                   now: context.now, thresholds: context.reference.euThresholds)
        return TenderPublished(tenderId: p.tenderId, buyer: p.buyer, title: p.title, description: p.description,
                               category: p.category, procedure: p.procedure, estimatedValueCents: p.estimatedValueCents,
                               mainCpv: cpv.value, lots: p.lots, submissionDeadline: p.submissionDeadline,
                               awardCriterion: p.awardCriterion, participationRule: p.participationRule,
                               standstillDays: p.standstillDays, sroiBasisPoints: p.sroiBasisPoints)
    }

    // MARK: Bids

    /// Checks invariants 1–5 in this order: open and before the deadline (1), a new bid id,
    /// lots and price (2), invitation (3), participants active (5) and consortium valid (6),
    /// single participation (4).
    private static func submitBid(bidId: UUID, lots: [UInt32], bidder: PartyRef, priceCents: Int64,
                                  priceBasis: PriceBasis, tenderId: UUID, state: TenderState,
                                  context: DecisionContext) throws(DomainError) -> BidSubmitted {
        guard state.status == .open else { throw .tenderNotOpen(status: state.status) }
        guard context.now < state.submissionDeadline else {
            throw .bidAfterDeadline(deadline: state.submissionDeadline, now: context.now)
        }
        guard state.bid(bidId) == nil else { throw .bidAlreadyExists(bid: bidId) }
        guard !lots.isEmpty else { throw .noLots }
        var uniqueLots: [UInt32] = []
        for lot in lots {
            guard state.lots.contains(where: { $0.number == lot }) else { throw .unknownLot(lot: lot) }
            if !uniqueLots.contains(lot) { uniqueLots.append(lot) }
        }
        guard priceCents > 0 else { throw .priceNotPositive(priceCents: priceCents) }

        if state.procedure == .enkelvoudigOnderhands || state.procedure == .meervoudigOnderhands,
           !state.invited.contains(bidder) {
            throw .notInvited(party: bidder, procedure: state.procedure)
        }

        let participants = try participants(of: bidder, tenderId: tenderId, context: context)

        if state.participationRule == .singleParticipation {
            for lot in uniqueLots {
                for existing in state.liveBids(onLot: lot) {
                    if let member = participants.first(where: existing.participants.contains) {
                        throw .participationConflict(member: member, lot: lot, existingBid: existing.bidId)
                    }
                }
            }
        }
        return BidSubmitted(tenderId: tenderId, bidId: bidId, lots: uniqueLots, bidder: bidder,
                            participatingMemberIds: participants, priceCents: priceCents, priceBasis: priceBasis)
    }

    /// The members taking part in a bid by `bidder`, each checked active (invariant 5); for a
    /// consortium also its composition (invariant 6).
    private static func participants(of bidder: PartyRef, tenderId: UUID,
                                     context: DecisionContext) throws(DomainError) -> [UUID] {
        let members: [UUID]
        switch bidder.kind {
        case .member:
            members = [bidder.id]
        case .consortium:
            guard let consortium = context.consortia.consortium(bidder.id) else {
                throw .unknownConsortium(consortium: bidder.id)
            }
            guard !consortium.isDissolved else { throw .consortiumDissolved(consortium: bidder.id) }
            if consortium.scope == .singleTender, let boundTo = consortium.tenderId, boundTo != tenderId {
                throw .consortiumBoundToOtherTender(consortium: bidder.id, boundTo: boundTo)
            }
            guard consortium.memberIds.contains(consortium.leadMemberId) else {
                throw .leadNotAMember(lead: consortium.leadMemberId, members: consortium.memberIds)
            }
            guard consortium.memberIds.count >= ConsortiumDecider.minimumMembers else {
                throw .tooFewMembers(count: consortium.memberIds.count, minimum: ConsortiumDecider.minimumMembers)
            }
            members = consortium.memberIds
        }
        for member in members { try requireActive(member, context: context) }
        return members
    }

    private static func requireExists(_ party: PartyRef, context: DecisionContext) throws(DomainError) {
        switch party.kind {
        case .member:
            try requireActive(party.id, context: context)
        case .consortium:
            guard let c = context.consortia.consortium(party.id) else { throw .unknownConsortium(consortium: party.id) }
            guard !c.isDissolved else { throw .consortiumDissolved(consortium: party.id) }
        }
    }

    private static func requireClosed(_ state: TenderState) throws(DomainError) {
        switch state.status {
        case .closed: return
        case .open: throw .submissionNotClosed
        case .unpublished, .cancelled: throw .tenderNotOpen(status: state.status)
        }
    }
}

/// Invariant 5: the member exists and is active.
func requireActive(_ member: UUID, context: DecisionContext) throws(DomainError) {
    guard let status = context.members.status(of: member) else { throw .unknownMember(member: member) }
    guard status == .active else { throw .memberNotActive(member: member, status: status) }
}
