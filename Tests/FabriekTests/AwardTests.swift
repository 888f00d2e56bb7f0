import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// Closing, evaluation and invariant 7: award only after closing and a valid evaluation, one
/// award per lot, final only after the standstill period.
@Suite("Tender: evaluation and award")
struct AwardTests {
    typealias T = TenderFixture
    let bid1 = Fixture.id(1), bid2 = Fixture.id(2)
    var submittedA: TenderEvent { T.submitted(bid1, lots: [1], by: T.member(Fixture.a), members: [Fixture.a]) }
    var submittedB: TenderEvent { T.submitted(bid2, lots: [1, 2], by: T.member(Fixture.b), members: [Fixture.b]) }
    let afterDeadline = "2026-05-04T09:00:00Z"

    @Test func closingWaitsForTheDeadline() {
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA], when: .closeSubmission,
                      context: Fixture.context(now: "2026-04-29T09:59:59Z"),
                      then: .deadlineNotPassed(deadline: T.deadline, now: time("2026-04-29T09:59:59Z")))
        expectEvents(TenderDecider.self, given: [T.published(), submittedA], when: .closeSubmission,
                     context: Fixture.context(now: "2026-04-29T10:00:00Z"),
                     then: [.submissionClosed(SubmissionClosed(tenderId: Fixture.tender, liveBidCount: 1))])
    }

    @Test func evaluationNeedsClosedSubmission() {
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA],
                      when: .evaluateBid(bidId: bid1, outcome: .valid, disqualificationReason: nil, scoreHundredths: 8_500, rank: 1),
                      then: .submissionNotClosed)
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA, T.closed],
                      when: .evaluateBid(bidId: bid1, outcome: .disqualified, disqualificationReason: " ",
                                         scoreHundredths: nil, rank: nil),
                      context: Fixture.context(now: afterDeadline), then: .disqualificationWithoutReason(bid: bid1))
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA, T.closed, T.evaluated(bid1)],
                      when: .evaluateBid(bidId: bid1, outcome: .valid, disqualificationReason: nil, scoreHundredths: 1, rank: 1),
                      context: Fixture.context(now: afterDeadline), then: .bidAlreadyEvaluated(bid: bid1))
    }

    @Test func awardBeforeClosingIsRefused() {
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA],
                      when: .intendAward(lot: 1, bidId: bid1, valueCents: 1_500_000), then: .submissionNotClosed)
    }

    @Test func awardNeedsAValidEvaluation() {
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA, T.closed],
                      when: .intendAward(lot: 1, bidId: bid1, valueCents: 1_500_000),
                      context: Fixture.context(now: afterDeadline), then: .bidNotEvaluatedValid(bid: bid1, outcome: nil))
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA, T.closed, T.evaluated(bid1, .disqualified)],
                      when: .intendAward(lot: 1, bidId: bid1, valueCents: 1_500_000),
                      context: Fixture.context(now: afterDeadline),
                      then: .bidNotEvaluatedValid(bid: bid1, outcome: .disqualified))
    }

    @Test func intendedAwardStartsTheStandstillPeriod() {
        expectEvents(TenderDecider.self, given: [T.published(), submittedA, T.closed, T.evaluated(bid1)],
                     when: .intendAward(lot: 1, bidId: bid1, valueCents: 1_500_000),
                     context: Fixture.context(now: "2026-05-04T09:00:00Z"),
                     then: [.awardIntended(AwardIntended(tenderId: Fixture.tender, lot: 1, bidId: bid1, valueCents: 1_500_000,
                                                         standstillEndsAt: time("2026-05-24T09:00:00Z")))])
    }

    @Test func atMostOneAwardPerLot() {
        let intended = TenderEvent.awardIntended(AwardIntended(tenderId: Fixture.tender, lot: 1, bidId: bid1,
                                                              valueCents: 1_500_000, standstillEndsAt: time("2026-05-24T09:00:00Z")))
        expectRefusal(TenderDecider.self,
                      given: [T.published(), submittedA, submittedB, T.closed, T.evaluated(bid1), T.evaluated(bid2), intended],
                      when: .intendAward(lot: 1, bidId: bid2, valueCents: 1_400_000),
                      context: Fixture.context(now: afterDeadline), then: .lotAlreadyAwarded(lot: 1, existingBid: bid1))
        // The other lot can still be awarded.
        #expect(accepted(TenderDecider.self,
                         given: [T.published(), submittedA, submittedB, T.closed, T.evaluated(bid1), T.evaluated(bid2), intended],
                         when: .intendAward(lot: 2, bidId: bid2, valueCents: 1_400_000),
                         context: Fixture.context(now: afterDeadline)).count == 1)
    }

    @Test func awardMustMatchTheBidsLots() {
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA, T.closed, T.evaluated(bid1)],
                      when: .intendAward(lot: 2, bidId: bid1, valueCents: 1_500_000),
                      context: Fixture.context(now: afterDeadline), then: .bidDoesNotCoverLot(bid: bid1, lot: 2))
        expectRefusal(TenderDecider.self, given: [T.published(), submittedA, T.closed, T.evaluated(bid1)],
                      when: .intendAward(lot: 9, bidId: bid1, valueCents: 1_500_000),
                      context: Fixture.context(now: afterDeadline), then: .unknownLot(lot: 9))
    }

    @Test func finalisingWaitsForTheStandstillPeriod() {
        let endsAt = time("2026-05-24T09:00:00Z")
        let intended = TenderEvent.awardIntended(AwardIntended(tenderId: Fixture.tender, lot: 1, bidId: bid1,
                                                              valueCents: 1_500_000, standstillEndsAt: endsAt))
        let given = [T.published(), submittedA, T.closed, T.evaluated(bid1), intended]
        expectRefusal(TenderDecider.self, given: given, when: .finaliseAward(lot: 1),
                      context: Fixture.context(now: "2026-05-24T08:59:59Z"),
                      then: .standstillNotOver(endsAt: endsAt, now: time("2026-05-24T08:59:59Z")))
        let final = TenderEvent.awardFinalised(AwardFinalised(tenderId: Fixture.tender, lot: 1, bidId: bid1))
        expectEvents(TenderDecider.self, given: given, when: .finaliseAward(lot: 1),
                     context: Fixture.context(now: "2026-05-24T09:00:00Z"), then: [final])
        expectRefusal(TenderDecider.self, given: given + [final], when: .finaliseAward(lot: 1),
                      context: Fixture.context(now: "2026-06-01T09:00:00Z"), then: .awardAlreadyFinalised(lot: 1))
        expectRefusal(TenderDecider.self, given: given, when: .finaliseAward(lot: 2),
                      context: Fixture.context(now: "2026-06-01T09:00:00Z"), then: .noAwardIntended(lot: 2))
        // A final award blocks cancellation.
        expectRefusal(TenderDecider.self, given: given + [final], when: .cancel(reason: "budget"),
                      context: Fixture.context(now: "2026-06-01T09:00:00Z"), then: .tenderHasFinalAward(lot: 1))
    }

    @Test func evaluationIsRecorded() {
        expectEvents(TenderDecider.self, given: [T.published(), submittedA, T.closed],
                     when: .evaluateBid(bidId: bid1, outcome: .valid, disqualificationReason: nil, scoreHundredths: 8_500, rank: 1),
                     context: Fixture.context(now: afterDeadline), then: [T.evaluated(bid1)])
        expectEvents(TenderDecider.self, given: [T.published(), submittedA, T.closed],
                     when: .evaluateBid(bidId: bid1, outcome: .disqualified, disqualificationReason: "late KvK extract",
                                        scoreHundredths: nil, rank: nil),
                     context: Fixture.context(now: afterDeadline), then: [T.evaluated(bid1, .disqualified)])
    }

    @Test func cancellation() {
        let cancelled = TenderEvent.cancelled(TenderCancelled(tenderId: Fixture.tender, reason: "budget"))
        expectEvents(TenderDecider.self, given: [T.published(), submittedA], when: .cancel(reason: "budget"), then: [cancelled])
        expectRefusal(TenderDecider.self, given: [T.published(), cancelled], when: .cancel(reason: "again"),
                      then: .tenderNotOpen(status: .cancelled))
        expectRefusal(TenderDecider.self, given: [T.published(), cancelled], when: .closeSubmission,
                      context: Fixture.context(now: afterDeadline), then: .tenderNotOpen(status: .cancelled))
    }

    @Test func foldingTracksBidsAndAwards() {
        let state = TenderDecider.fold([T.published(), submittedA, submittedB, T.closed, T.evaluated(bid1),
                                        T.evaluated(bid2, .disqualified)])
        #expect(state.status == .closed)
        #expect(state.liveBids(onLot: 1).map(\.bidId) == [bid1])
        #expect(state.bid(bid2)?.outcome == .disqualified)
    }
}
