import EventLog
import Events
@testable import FabriekDemo
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// A refused command writes nothing: the log head (position and chain hash), the stream's version
/// and the write-side directory stay as they were.
@Suite struct RefusedCommandTests {
    @Test func refusalsLeaveTheLogUntouched() async throws {
        let clock = HistoryClock(start: time("2026-04-01T09:00:00Z"))
        let h = try ServiceHarness(makeService: { log, vault in
            try ApplicationService(log: log, vault: vault, reference: Fixture.reference, clock: clock.serviceClock, ids: .seeded(8))
        })
        defer { h.close() }
        let service = h.service
        // given A, B, consortium {A, B}, an open tender and A's bid on lot 1
        try await ServiceScenario.membersConsortiumAndTender(Fixture.tender, on: service)
        _ = try await ServiceScenario.bid(Fixture.id(1), lots: [1], by: TenderFixture.member(Fixture.a), on: Fixture.tender,
                                          service: service)
        let head = h.log.head()
        let kvk = RegistryId(scheme: .kvk, value: ServiceScenario.kvk[0])
        let directory = (service.directory.status(of: Fixture.a), service.directory.liveBid(of: Fixture.consortiumAB),
                         service.directory.member(holding: kvk, digest: .of(kvk, with: h.vault)))

        // when commands that break rules are issued
        let tenderStream = TenderDecider.streamId(Fixture.tender)
        let attempts: [(String, () async throws -> Void)] = [
            ("invariant-4.participationConflict", {
                _ = try await ServiceScenario.bid(Fixture.id(2), lots: [1], by: TenderFixture.consortium(Fixture.consortiumAB),
                                                  on: Fixture.tender, service: service)
            }),
            ("invariant-2.unknownLot", {
                _ = try await ServiceScenario.bid(Fixture.id(3), lots: [7], by: TenderFixture.member(Fixture.b), on: Fixture.tender,
                                                  service: service)
            }),
            ("invariant-10.duplicateRegistryId", {
                try await ServiceScenario.register(Fixture.c, kvk: ServiceScenario.kvk[0], on: service)
            }),
            ("invariant-6.tooFewMembers", {
                try await ServiceScenario.formConsortium(Fixture.consortiumAC, lead: Fixture.a, members: [Fixture.a], on: service)
            }),
            ("aggregate.alreadyExists", { try await ServiceScenario.publishTender(Fixture.tender, on: service) }),
            ("invariant-7.submissionNotClosed", {
                try await service.execute(TenderDecider.self, stream: tenderStream,
                                          command: .intendAward(lot: 1, bidId: Fixture.id(1), valueCents: 100))
            }),
            ("invariant-1.bidAfterDeadline", {
                clock.set(TenderFixture.deadline)  // at the deadline is late
                _ = try await ServiceScenario.bid(Fixture.id(4), lots: [2], by: TenderFixture.member(Fixture.b), on: Fixture.tender,
                                                  service: service)
            }),
        ]
        for (rule, attempt) in attempts {
            let error = await thrownError(attempt)
            let domainError = error as? DomainError
            #expect(domainError?.rule == rule, "expected \(rule), got \(String(describing: error))")
            // then nothing was written
            #expect(h.log.head() == head, "\(rule) changed the log")
        }
        #expect(try service.state(TenderDecider.self, stream: tenderStream).version == 2)
        #expect(h.log.streamVersion(MemberDecider.streamId(Fixture.c)) == 0)
        #expect(h.log.streamVersion(ConsortiumDecider.streamId(Fixture.consortiumAC)) == 0)
        #expect(service.directory.status(of: Fixture.c) == nil)
        #expect((service.directory.status(of: Fixture.a), service.directory.liveBid(of: Fixture.consortiumAB),
                 service.directory.member(holding: kvk, digest: .of(kvk, with: h.vault))) == directory)
        #expect(h.log.verify().isIntact)
    }

    /// A command that changes nothing (the same goal set twice) writes nothing either.
    @Test func noOpCommandWritesNothing() async throws {
        let h = try ServiceHarness()
        defer { h.close() }
        let goal = SetGoal(focusArea: .lerend, kpiCode: "LER-1", period: "2026", startsOn: day("2026-01-01"),
                           endsOn: day("2026-12-31"), targetValue: 900)
        let stream = GoalDecider.streamId(kpiCode: "LER-1", period: "2026")
        _ = try await h.service.execute(GoalDecider.self, stream: stream, command: .set(goal))
        let head = h.log.head()
        let again = try await h.service.execute(GoalDecider.self, stream: stream, command: .set(goal))
        #expect(again.events.isEmpty && again.positions.isEmpty && again.streamVersion == 1)
        #expect(h.log.head() == head)
    }
}
