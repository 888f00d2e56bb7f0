import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// Publishing and amending: lots, CPV, deadline, buyer/procedure, and invariant 8 (EU thresholds).
@Suite("Tender: publication and EU thresholds")
struct TenderPublicationTests {
    typealias T = TenderFixture

    @Test func publishesTheJob() {
        expectEvents(TenderDecider.self, when: .publish(T.publish()), then: [T.published()])
    }

    @Test func publishingTwiceIsRefused() {
        expectRefusal(TenderDecider.self, given: [T.published()], when: .publish(T.publish()),
                      then: .alreadyExists(stream: TenderDecider.streamId(Fixture.tender)))
    }

    @Test func lotsCPVAndDeadlineAreChecked() {
        expectRefusal(TenderDecider.self, when: .publish(T.publish(lots: [])), then: .noLots)
        let twice = [Lot(number: 1, title: "a"), Lot(number: 1, title: "b")]
        expectRefusal(TenderDecider.self, when: .publish(T.publish(lots: twice)), then: .invalidLotNumber(lot: 1))
        expectRefusal(TenderDecider.self, when: .publish(T.publish(lots: [Lot(number: 0, title: "zero")])),
                      then: .invalidLotNumber(lot: 0))
        expectRefusal(TenderDecider.self, when: .publish(T.publish(lots: [Lot(number: 1, title: "x", buurten: ["Atlantis"])])),
                      then: .unknownBuurt(buurt: "Atlantis"))
        var badCpv = T.publish()
        badCpv.mainCpv = "7731000-6"
        expectRefusal(TenderDecider.self, when: .publish(badCpv),
                      then: .validation(ValidationError(field: "mainCpv", rule: .cpvFormat, value: "7731000-6")))
        expectRefusal(TenderDecider.self, when: .publish(T.publish()), context: Fixture.context(now: "2026-04-29T10:00:00Z"),
                      then: .deadlineNotInFuture(deadline: T.deadline, now: T.deadline))
    }

    @Test func procedureMustFitTheBuyer() {
        let business = Buyer(kind: .business, name: "Bakkerij Wyck")
        expectRefusal(TenderDecider.self, when: .publish(T.publish(procedure: .nationaalOpenbaar, buyer: business)),
                      then: .procedureNotForBuyer(procedure: .nationaalOpenbaar, buyer: .business))
        expectRefusal(TenderDecider.self, when: .publish(T.publish(procedure: .vrijeInkoopPrivaat)),
                      then: .procedureNotForBuyer(procedure: .vrijeInkoopPrivaat, buyer: .municipality))
        // Business clients are outside procurement law: no threshold, no standstill minimum.
        let events = accepted(TenderDecider.self, when: .publish(T.publish(
            procedure: .vrijeInkoopPrivaat, estimatedValueCents: 100_000_000, buyer: business, standstillDays: 0)))
        #expect(events.count == 1)
    }

    // MARK: Invariant 8 — thresholds from reference data, by period and category

    @Test func servicesAtOrAboveThe2026ThresholdNeedAEuropeanProcedure() {
        // 2026–27: €216,000 for municipal services and supplies.
        expectRefusal(TenderDecider.self, when: .publish(T.publish(procedure: .nationaalOpenbaar, estimatedValueCents: 21_600_000)),
                      then: .europeanProcedureRequired(estimatedValueCents: 21_600_000, thresholdCents: 21_600_000,
                                                       procedure: .nationaalOpenbaar))
        expectRefusal(TenderDecider.self, when: .publish(T.publish(procedure: .meervoudigOnderhands, estimatedValueCents: 30_000_000,
                                                                   category: .leveringen)),
                      then: .europeanProcedureRequired(estimatedValueCents: 30_000_000, thresholdCents: 21_600_000,
                                                       procedure: .meervoudigOnderhands))
        #expect(accepted(TenderDecider.self,
                         when: .publish(T.publish(procedure: .nationaalOpenbaar, estimatedValueCents: 21_599_999))).count == 1)
        #expect(accepted(TenderDecider.self,
                         when: .publish(T.publish(procedure: .europeesOpenbaar, estimatedValueCents: 21_600_000))).count == 1)
    }

    @Test func the2025ThresholdAppliesIn2025() {
        // €216,500 is below the 2024–25 threshold of €221,000 but above 2026–27's €216,000.
        var p = T.publish(procedure: .nationaalOpenbaar, estimatedValueCents: 21_650_000)
        p.submissionDeadline = time("2025-12-30T10:00:00Z")
        #expect(accepted(TenderDecider.self, when: .publish(p), context: Fixture.context(now: "2025-12-01T09:00:00Z")).count == 1)
        p.submissionDeadline = time("2026-02-01T10:00:00Z")
        expectRefusal(TenderDecider.self, when: .publish(p), context: Fixture.context(now: "2026-01-01T00:00:00Z"),
                      then: .europeanProcedureRequired(estimatedValueCents: 21_650_000, thresholdCents: 21_600_000,
                                                       procedure: .nationaalOpenbaar))
    }

    @Test func worksHaveTheirOwnThreshold() {
        // 2026–27 works: €5,404,000.
        #expect(accepted(TenderDecider.self, when: .publish(T.publish(
            procedure: .nationaalOpenbaar, estimatedValueCents: 540_399_999, category: .werken))).count == 1)
        expectRefusal(TenderDecider.self, when: .publish(T.publish(procedure: .nationaalOpenbaar, estimatedValueCents: 540_400_000,
                                                                   category: .werken)),
                      then: .europeanProcedureRequired(estimatedValueCents: 540_400_000, thresholdCents: 540_400_000,
                                                       procedure: .nationaalOpenbaar))
    }

    @Test func aboveThresholdStandstillIsAtLeast20Days() {
        expectRefusal(TenderDecider.self, when: .publish(T.publish(procedure: .europeesOpenbaar, estimatedValueCents: 30_000_000,
                                                                   standstillDays: 19)),
                      then: .standstillTooShort(days: 19, minimum: 20))
        #expect(accepted(TenderDecider.self, when: .publish(T.publish(procedure: .nationaalOpenbaar, estimatedValueCents: 1_000_000,
                                                                      standstillDays: 10))).count == 1)
    }

    @Test func missingThresholdIsRefusedNotGuessed() {
        var p = T.publish()
        p.submissionDeadline = time("2030-02-01T10:00:00Z")
        expectRefusal(TenderDecider.self, when: .publish(p), context: Fixture.context(now: "2030-01-01T09:00:00Z"),
                      then: .euThresholdUnknown(category: .diensten, day: day("2030-01-01")))
    }

    @Test func correctedReferenceDataChangesTheDecision() throws {
        var reference = Fixture.reference
        reference.euThresholds.thresholds = reference.euThresholds.thresholds.map { entry in
            var e = entry
            if e.category == "diensten" { e.amountCents = 1_000_000 }
            return e
        }
        let context = DecisionContext(now: time("2026-04-01T09:00:00Z"), members: Fixture.directory,
                                      consortia: Fixture.directory, sealer: FakeSealer(), reference: reference)
        expectRefusal(TenderDecider.self, when: .publish(T.publish(estimatedValueCents: 5_000_000)), context: context,
                      then: .europeanProcedureRequired(estimatedValueCents: 5_000_000, thresholdCents: 1_000_000,
                                                       procedure: .nationaalOpenbaar))
    }

    @Test func amendmentRechecksTheThreshold() {
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: .amend(title: nil, description: nil, submissionDeadline: nil, estimatedValueCents: 25_000_000,
                                   lots: [], reason: "scope grew"),
                      then: .europeanProcedureRequired(estimatedValueCents: 25_000_000, thresholdCents: 21_600_000,
                                                       procedure: .nationaalOpenbaar))
    }

    @Test func amendmentCannotDropALotWithLiveBids() {
        let bid = T.submitted(Fixture.id(1), lots: [2], by: T.member(Fixture.a), members: [Fixture.a])
        expectRefusal(TenderDecider.self, given: [T.published(), bid],
                      when: .amend(title: nil, description: nil, submissionDeadline: nil, estimatedValueCents: nil,
                                   lots: [T.lots[0]], reason: "lot 2 dropped"),
                      then: .lotHasLiveBids(lot: 2))
        expectRefusal(TenderDecider.self, given: [T.published()],
                      when: .amend(title: nil, description: nil, submissionDeadline: time("2026-03-01T00:00:00Z"),
                                   estimatedValueCents: nil, lots: [], reason: "typo"),
                      then: .deadlineNotInFuture(deadline: time("2026-03-01T00:00:00Z"), now: time("2026-04-01T09:00:00Z")))
    }
}
