import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// Invariants 1–5: deadline, lots and price, invitations, single participation, active members.
@Suite("Tender: bid submission")
struct BidSubmissionTests {
    typealias T = TenderFixture
    let bid1 = Fixture.id(1), bid2 = Fixture.id(2)

    // MARK: Invariant 1 — the DOMAIN.md deadline vector

    @Test func bidOneSecondBeforeDeadlineIsAccepted() {
        expectEvents(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)),
                     context: Fixture.context(now: "2026-04-29T09:59:59Z"),
                     then: [T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])])
    }

    @Test func bidAtTheDeadlineIsLate() {
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)),
                      context: Fixture.context(now: "2026-04-29T10:00:00Z"),
                      then: .bidAfterDeadline(deadline: time("2026-04-29T10:00:00Z"), now: time("2026-04-29T10:00:00Z")))
    }

    @Test func bidAfterTheDeadlineIsLate() {
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)),
                      context: Fixture.context(now: "2026-04-29T10:00:01Z"),
                      then: .bidAfterDeadline(deadline: T.deadline, now: time("2026-04-29T10:00:01Z")))
    }

    @Test func amendedDeadlineCounts() {
        let amended = TenderEvent.amended(TenderAmended(tenderId: Fixture.tender,
                                                        submissionDeadline: time("2026-05-06T10:00:00Z"),
                                                        reason: "more time"))
        expectEvents(TenderDecider.self, given: [T.published(), amended],
                     when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)),
                     context: Fixture.context(now: "2026-04-30T10:00:00Z"),
                     then: [T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])])
    }

    @Test func bidOnClosedOrCancelledTenderIsRefused() {
        expectRefusal(TenderDecider.self, given: [T.published(), T.closed],
                      when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)), then: .tenderNotOpen(status: .closed))
        let cancelled = TenderEvent.cancelled(TenderCancelled(tenderId: Fixture.tender, reason: "budget"))
        expectRefusal(TenderDecider.self, given: [T.published(), cancelled],
                      when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)), then: .tenderNotOpen(status: .cancelled))
        expectRefusal(TenderDecider.self, when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)),
                      then: .notFound(stream: "tender"))
    }

    // MARK: Invariant 2

    @Test func lotMustExist() {
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1, 3], by: T.member(Fixture.a)),
                      then: .unknownLot(lot: 3))
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [], by: T.member(Fixture.a)),
                      then: .noLots)
    }

    @Test(arguments: [Int64(0), -1])
    func priceMustBePositive(_ price: Int64) {
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: T.submit(bid1, lots: [1], by: T.member(Fixture.a), priceCents: price),
                      then: .priceNotPositive(priceCents: price))
    }

    @Test func oneCentIsAPrice() {
        expectEvents(TenderDecider.self, given: [T.published()],
                     when: T.submit(bid1, lots: [1], by: T.member(Fixture.a), priceCents: 1),
                     then: [T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a], priceCents: 1)])
    }

    @Test func bidIdIsUnique() {
        expectRefusal(TenderDecider.self,
                      given: [T.published(), T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])],
                      when: T.submit(bid1, lots: [2], by: T.member(Fixture.b)), then: .bidAlreadyExists(bid: bid1))
    }

    // MARK: Invariant 3

    @Test(arguments: [ProcedureType.enkelvoudigOnderhands, .meervoudigOnderhands])
    func privateProceduresAcceptOnlyInvitedParties(_ procedure: ProcedureType) {
        let invited = TenderEvent.participantInvited(ParticipantInvited(
            tenderId: Fixture.tender, participant: T.member(Fixture.a), isLocal: true, reason: "gardener in Wyck"))
        let given = [T.published(procedure: procedure, estimatedValueCents: 3_000_000), invited]
        expectEvents(TenderDecider.self, given: given, when: T.submit(bid1, lots: [1], by: T.member(Fixture.a)),
                     then: [T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])])
        expectRefusal(TenderDecider.self, given: given, when: T.submit(bid2, lots: [2], by: T.member(Fixture.b)),
                      then: .notInvited(party: T.member(Fixture.b), procedure: procedure))
        // A consortium must be invited itself, not just its lead.
        expectRefusal(TenderDecider.self, given: given, when: T.submit(bid2, lots: [2], by: T.consortium(Fixture.consortiumAB)),
                      then: .notInvited(party: T.consortium(Fixture.consortiumAB), procedure: procedure))
    }

    @Test func openProceduresNeedNoInvitation() {
        expectEvents(TenderDecider.self, given: [T.published(procedure: .nationaalOpenbaar)],
                     when: T.submit(bid1, lots: [2], by: T.member(Fixture.b)),
                     then: [T.submitted(bid1, lots: [2], by: T.member(Fixture.b), members: [Fixture.b])])
    }

    @Test func invitingTwiceIsRefused() {
        let invite = TenderCommand.invite(T.member(Fixture.a), isLocal: true, reason: "local gardener")
        let events = accepted(TenderDecider.self, given: [T.published(procedure: .meervoudigOnderhands)], when: invite)
        #expect(events.count == 1)
        expectRefusal(TenderDecider.self, given: [T.published(procedure: .meervoudigOnderhands)] + events, when: invite,
                      then: .alreadyInvited(party: T.member(Fixture.a)))
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: .invite(T.member(Fixture.erased), isLocal: false, reason: "x"),
                      then: .memberNotActive(member: Fixture.erased, status: .erased))
    }

    // MARK: Invariant 4 — the DOMAIN.md participation vectors

    @Test func aloneOnLot1AndThroughConsortiumOnLot2IsAccepted() {
        let alone = T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])
        expectEvents(TenderDecider.self, given: [T.published(), alone],
                     when: T.submit(bid2, lots: [2], by: T.consortium(Fixture.consortiumAB)),
                     then: [T.submitted(bid2, lots: [2], by: T.consortium(Fixture.consortiumAB), members: [Fixture.a, Fixture.b])])
    }

    @Test func aloneAndThroughConsortiumOnTheSameLotIsRefused() {
        let alone = T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])
        expectRefusal(TenderDecider.self, given: [T.published(), alone],
                      when: T.submit(bid2, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                      then: .participationConflict(member: Fixture.a, lot: 1, existingBid: bid1))
    }

    @Test func throughConsortiumThenAloneOnTheSameLotIsRefused() {
        let joint = T.submitted(bid1, lots: [1, 2], by: T.consortium(Fixture.consortiumAB), members: [Fixture.a, Fixture.b])
        expectRefusal(TenderDecider.self, given: [T.published(), joint],
                      when: T.submit(bid2, lots: [2], by: T.member(Fixture.b)),
                      then: .participationConflict(member: Fixture.b, lot: 2, existingBid: bid1))
    }

    @Test func throughTwoConsortiaOnTheSameLotIsRefused() {
        let ab = T.submitted(bid1, lots: [1], by: T.consortium(Fixture.consortiumAB), members: [Fixture.a, Fixture.b])
        expectRefusal(TenderDecider.self, given: [T.published(), ab],
                      when: T.submit(bid2, lots: [1], by: T.consortium(Fixture.consortiumAC)),
                      then: .participationConflict(member: Fixture.a, lot: 1, existingBid: bid1))
    }

    @Test func twoBidsBySameMemberOnSameLotAreRefused() {
        let first = T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])
        expectRefusal(TenderDecider.self, given: [T.published(), first],
                      when: T.submit(bid2, lots: [1], by: T.member(Fixture.a)),
                      then: .participationConflict(member: Fixture.a, lot: 1, existingBid: bid1))
    }

    @Test func withdrawnBidNoLongerBlocks() {
        let first = T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])
        let withdrawn = TenderEvent.bidWithdrawn(BidWithdrawn(tenderId: Fixture.tender, bidId: bid1, reason: "joining AB"))
        expectEvents(TenderDecider.self, given: [T.published(), first, withdrawn],
                     when: T.submit(bid2, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                     then: [T.submitted(bid2, lots: [1], by: T.consortium(Fixture.consortiumAB), members: [Fixture.a, Fixture.b])])
    }

    @Test func multipleParticipationRuleAllowsBoth() {
        let alone = T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])
        expectEvents(TenderDecider.self, given: [T.published(participationRule: .multipleParticipation), alone],
                     when: T.submit(bid2, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                     then: [T.submitted(bid2, lots: [1], by: T.consortium(Fixture.consortiumAB), members: [Fixture.a, Fixture.b])])
    }

    // MARK: Invariant 5 (and 6 at bid time)

    @Test func endedOrErasedOrUnknownMemberCannotBid() {
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.member(Fixture.ended)),
                      then: .memberNotActive(member: Fixture.ended, status: .ended))
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.member(Fixture.erased)),
                      then: .memberNotActive(member: Fixture.erased, status: .erased))
        let stranger = Fixture.id(99)
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.member(stranger)),
                      then: .unknownMember(member: stranger))
    }

    @Test func consortiumWithAnInactiveMemberCannotBid() {
        var directory = Fixture.directory
        directory.memberStatuses[Fixture.b] = .suspended
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: T.submit(bid1, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                      context: Fixture.context(directory: directory),
                      then: .memberNotActive(member: Fixture.b, status: .suspended))
    }

    @Test func dissolvedUnknownOrForeignConsortiumCannotBid() {
        var directory = Fixture.directory
        directory.consortia[Fixture.consortiumAB]?.isDissolved = true
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: T.submit(bid1, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                      context: Fixture.context(directory: directory),
                      then: .consortiumDissolved(consortium: Fixture.consortiumAB))
        let unknown = Fixture.id(77)
        expectRefusal(TenderDecider.self, given: [T.published()], when: T.submit(bid1, lots: [1], by: T.consortium(unknown)),
                      then: .unknownConsortium(consortium: unknown))
        directory = Fixture.directory
        directory.consortia[Fixture.consortiumAB]?.scope = .singleTender
        directory.consortia[Fixture.consortiumAB]?.tenderId = Fixture.otherTender
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: T.submit(bid1, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                      context: Fixture.context(directory: directory),
                      then: .consortiumBoundToOtherTender(consortium: Fixture.consortiumAB, boundTo: Fixture.otherTender))
    }

    @Test func consortiumThatShrankBelowTwoCannotBid() {
        var directory = Fixture.directory
        directory.consortia[Fixture.consortiumAB]?.memberIds = [Fixture.a]
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: T.submit(bid1, lots: [1], by: T.consortium(Fixture.consortiumAB)),
                      context: Fixture.context(directory: directory), then: .tooFewMembers(count: 1, minimum: 2))
    }

    // MARK: Withdrawal

    @Test func withdrawalBeforeDeadlineOnly() {
        let first = T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a])
        expectEvents(TenderDecider.self, given: [T.published(), first], when: .withdrawBid(bidId: bid1, reason: nil),
                     context: Fixture.context(now: "2026-04-29T09:59:59Z"),
                     then: [.bidWithdrawn(BidWithdrawn(tenderId: Fixture.tender, bidId: bid1))])
        expectRefusal(TenderDecider.self, given: [T.published(), first], when: .withdrawBid(bidId: bid1, reason: nil),
                      context: Fixture.context(now: "2026-04-29T10:00:00Z"),
                      then: .bidAfterDeadline(deadline: T.deadline, now: T.deadline))
        expectRefusal(TenderDecider.self, given: [T.published()], when: .withdrawBid(bidId: bid2, reason: nil),
                      then: .unknownBid(bid: bid2))
    }

    @Test func errorsNameTheirInvariant() {
        #expect(DomainError.bidAfterDeadline(deadline: T.deadline, now: T.deadline).rule == "invariant-1.bidAfterDeadline")
        #expect(DomainError.participationConflict(member: Fixture.a, lot: 1, existingBid: bid1).rule
                == "invariant-4.participationConflict")
        #expect(DomainError.bidAfterDeadline(deadline: T.deadline, now: T.deadline).description
                == "the deadline was 2026-04-29T10:00:00.000000Z; the bid arrived at 2026-04-29T10:00:00.000000Z, which is late")
    }
}

@Suite("Domain errors")
struct DomainErrorTests {
    @Test func httpStatusSeparatesConflictsFromInvalidInput() {
        let t = TenderFixture.deadline
        #expect(DomainError.notFound(stream: "tender").httpStatus == 404)
        #expect(DomainError.memberErased(member: Fixture.a).httpStatus == 410)
        #expect(DomainError.bidAfterDeadline(deadline: t, now: t).httpStatus == 409)
        #expect(DomainError.priceNotPositive(priceCents: 0).httpStatus == 422)
        #expect(DomainError.validation(ValidationError(field: "kvkNumber", rule: .kvkFormat, value: "1")).httpStatus == 422)
        #expect(DomainError.validation(ValidationError(field: "kvkNumber", rule: .kvkFormat, value: "1")).rule
                == "validation.kvk.format")
    }

    @Test func eachCaseHasItsRuleKindStatusAndExitCodeInOnePlace() {
        // Given a refusal, its classification gives the rule code and the kind,
        let e = DomainError.compositionLocked(consortium: Fixture.a, liveBid: Fixture.b)
        #expect(e.classification.rule == "invariant-6.compositionLocked" && e.kind == .conflict)
        // and the kind gives the HTTP status and the CLI's exit code.
        #expect(DomainError.Kind.allCases.map(\.httpStatus) == [422, 409, 404, 410])
        #expect(DomainError.Kind.allCases.allSatisfy { $0.exitCode == 1 })
        #expect(e.httpStatus == 409 && e.exitCode == 1)
    }
}
