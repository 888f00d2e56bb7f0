import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// Invariant 9: end ≥ start, a border is crossed, a posting lasts at most 24 months.
@Suite("Cross-border decider")
struct CrossBorderDeciderTests {
    let id = Fixture.id(700)

    func work(residence: CountryCode = .nl, work: CountryCode = .be, region: EmrRegion = .beLiege,
              client: CountryCode? = nil, starts: String = "2026-05-01", ends: String = "2026-07-31",
              basis: SocialSecurityBasis = .residence, member: UUID = Fixture.a) -> RegisterCrossBorderWork {
        RegisterCrossBorderWork(assignmentId: id, memberId: member, residenceCountry: residence, workCountry: work,
                                emrRegion: region, clientKind: .business, clientCountry: client,
                                startsOn: day(starts), endsOn: day(ends), sbiActivity: "81300",
                                socialSecurityBasis: basis)
    }

    func registered(_ w: RegisterCrossBorderWork) -> CrossBorderEvent {
        .workRegistered(CrossBorderWorkRegistered(
            assignmentId: w.assignmentId, memberId: w.memberId, residenceCountry: w.residenceCountry,
            workCountry: w.workCountry, emrRegion: w.emrRegion, clientKind: w.clientKind, startsOn: w.startsOn,
            endsOn: w.endsOn, sbiActivity: w.sbiActivity, socialSecurityBasis: w.socialSecurityBasis,
            clientCountry: w.clientCountry))
    }

    @Test func nlResidentWorkingInLiegeIsRegistered() {
        expectEvents(CrossBorderDecider.self, when: .register(work()), then: [registered(work())])
    }

    @Test func oneDayAssignmentIsFine() {
        let w = work(starts: "2026-05-01", ends: "2026-05-01")
        expectEvents(CrossBorderDecider.self, when: .register(w), then: [registered(w)])
    }

    @Test func endBeforeStartIsRefused() {
        expectRefusal(CrossBorderDecider.self, when: .register(work(starts: "2026-05-01", ends: "2026-04-30")),
                      then: .endBeforeStart(start: day("2026-05-01"), end: day("2026-04-30")))
    }

    @Test func workInTheResidenceCountryIsNotCrossBorder() {
        expectRefusal(CrossBorderDecider.self, when: .register(work(work: .nl, region: .nlSouthLimburg)),
                      then: .notCrossBorder(residence: .nl, work: .nl, client: nil))
        expectRefusal(CrossBorderDecider.self, when: .register(work(work: .nl, region: .nlSouthLimburg, client: .nl)),
                      then: .notCrossBorder(residence: .nl, work: .nl, client: .nl))
        // ...unless the client is abroad: a Maastricht freelancer working in Maastricht for an Aachen client.
        let w = work(work: .nl, region: .nlSouthLimburg, client: .de)
        expectEvents(CrossBorderDecider.self, when: .register(w), then: [registered(w)])
    }

    @Test func postingLastsAtMost24Months() {
        let longest = work(starts: "2026-01-01", ends: "2027-12-31", basis: .posting)
        expectEvents(CrossBorderDecider.self, when: .register(longest), then: [registered(longest)])
        expectRefusal(CrossBorderDecider.self, when: .register(work(starts: "2026-01-01", ends: "2028-01-01", basis: .posting)),
                      then: .postingTooLong(start: day("2026-01-01"), end: day("2028-01-01"), latestEnd: day("2027-12-31")))
        // Other bases have no such limit.
        let long = work(starts: "2026-01-01", ends: "2029-01-01", basis: .workCountry)
        expectEvents(CrossBorderDecider.self, when: .register(long), then: [registered(long)])
    }

    @Test func emrRegionMustLieInTheWorkCountry() {
        expectRefusal(CrossBorderDecider.self, when: .register(work(work: .de, region: .beLiege)),
                      then: .emrRegionMismatch(region: .beLiege, workCountry: .de))
        let outside = work(work: "FR", region: .outsideEmr)
        expectEvents(CrossBorderDecider.self, when: .register(outside), then: [registered(outside)])
    }

    @Test func memberMustBeActive() {
        expectRefusal(CrossBorderDecider.self, when: .register(work(member: Fixture.ended)),
                      then: .memberNotActive(member: Fixture.ended, status: .ended))
    }

    @Test func a1AndEnd() {
        let given = [registered(work(starts: "2026-01-01", ends: "2027-12-31", basis: .posting))]
        expectEvents(CrossBorderDecider.self, given: given,
                     when: .recordA1(status: .issued, issuer: "SVB", validFrom: day("2026-01-01"), validUntil: day("2027-12-31")),
                     then: [.a1CertificateRecorded(A1CertificateRecorded(assignmentId: id, status: .issued, issuer: "SVB",
                                                                         validFrom: day("2026-01-01"), validUntil: day("2027-12-31")))])
        expectRefusal(CrossBorderDecider.self, given: given,
                      when: .recordA1(status: .issued, issuer: nil, validFrom: day("2026-02-01"), validUntil: day("2026-01-01")),
                      then: .endBeforeStart(start: day("2026-02-01"), end: day("2026-01-01")))
        expectRefusal(CrossBorderDecider.self, given: given, when: .end(endedOn: day("2025-12-31"), reason: nil),
                      then: .endBeforeStart(start: day("2026-01-01"), end: day("2025-12-31")))
        expectRefusal(CrossBorderDecider.self, given: given, when: .end(endedOn: day("2028-01-01"), reason: "extended"),
                      then: .postingTooLong(start: day("2026-01-01"), end: day("2028-01-01"), latestEnd: day("2027-12-31")))
        let ended = CrossBorderEvent.workEnded(CrossBorderWorkEnded(assignmentId: id, endedOn: day("2026-06-30"), reason: "early"))
        expectEvents(CrossBorderDecider.self, given: given, when: .end(endedOn: day("2026-06-30"), reason: "early"), then: [ended])
        expectRefusal(CrossBorderDecider.self, given: given + [ended], when: .end(endedOn: day("2026-07-30"), reason: nil),
                      then: .assignmentEnded)
    }
}
