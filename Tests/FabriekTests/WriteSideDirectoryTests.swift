import EventLog
import Events
@testable import FabriekDemo
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// The service's directory of live consortium bids (invariant 6's composition lock): a bid is
/// live until it is withdrawn, disqualified, its tender cancelled, or every lot it covers has a
/// final award — and a consortium with bids on several tenders stays locked until the last ends.
@Suite struct WriteSideDirectoryTests {
    private func tender(_ service: ApplicationService, _ id: UUID, _ command: TenderCommand) async throws {
        try await service.execute(TenderDecider.self, stream: TenderDecider.streamId(id), command: command)
    }

    private func addC(_ service: ApplicationService) async -> (any Error)? {
        await thrownError {
            try await service.execute(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(Fixture.consortiumAB),
                                      command: .addMember(ConsortiumMembership(memberId: Fixture.c, acceptedJointLiability: true,
                                                                               acceptedAt: time("2026-04-01T09:00:00Z"))))
        }
    }

    @Test func lockHeldUntilTheLastLiveBidEnds() async throws {
        let clock = HistoryClock(start: time("2026-04-01T09:00:00Z"))
        let h = try ServiceHarness(makeService: { log, vault in
            try ApplicationService(log: log, vault: vault, reference: Fixture.reference, clock: clock.serviceClock, ids: .seeded(9))
        })
        defer { h.close() }
        let service = h.service
        try await ServiceScenario.membersConsortiumAndTender(Fixture.tender, on: service)
        try await ServiceScenario.register(Fixture.c, kvk: ServiceScenario.kvk[2], name: "Loes Vossen", on: service)
        try await ServiceScenario.publishTender(Fixture.otherTender, on: service)
        let ab = TenderFixture.consortium(Fixture.consortiumAB)
        // given {A, B} bids on both lots of the first tender and on the second tender
        let both = Fixture.id(1), other = Fixture.id(2)
        _ = try await ServiceScenario.bid(both, lots: [1, 2], by: ab, on: Fixture.tender, service: service)
        _ = try await ServiceScenario.bid(other, lots: [1], by: ab, on: Fixture.otherTender, service: service)

        // when the second tender's bid ends, then the consortium is still locked by the first
        try await tender(service, Fixture.otherTender, .withdrawBid(bidId: other, reason: nil))
        #expect(service.directory.liveBid(of: Fixture.consortiumAB) == both)
        #expect(await addC(service) as? DomainError == .compositionLocked(consortium: Fixture.consortiumAB, liveBid: both))

        // when only lot 1 of the first tender is final, the bid (covering lot 2 too) stays live
        clock.set(time("2026-04-29T11:00:00Z"))
        try await tender(service, Fixture.tender, .closeSubmission)
        try await tender(service, Fixture.tender, .evaluateBid(bidId: both, outcome: .valid, disqualificationReason: nil,
                                                               scoreHundredths: 8_000, rank: 1))
        try await tender(service, Fixture.tender, .intendAward(lot: 1, bidId: both, valueCents: 1_000_000))
        clock.set(time("2026-05-10T09:00:00Z"))
        try await tender(service, Fixture.tender, .intendAward(lot: 2, bidId: both, valueCents: 1_000_000))
        clock.set(time("2026-05-20T12:00:00Z"))
        try await tender(service, Fixture.tender, .finaliseAward(lot: 1))
        #expect(service.directory.liveBid(of: Fixture.consortiumAB) == both)
        #expect(await addC(service) as? DomainError == .compositionLocked(consortium: Fixture.consortiumAB, liveBid: both))

        // when lot 2 is final too, the composition may change again
        clock.set(time("2026-05-31T12:00:00Z"))
        try await tender(service, Fixture.tender, .finaliseAward(lot: 2))
        #expect(service.directory.liveBid(of: Fixture.consortiumAB) == nil)
        #expect(await addC(service) == nil)

        // and a service rebuilt from the log agrees
        let rebuilt = try ApplicationService(log: h.log, vault: h.vault, reference: Fixture.reference, clock: clock.serviceClock)
        #expect(rebuilt.directory.liveBid(of: Fixture.consortiumAB) == nil)
        #expect(rebuilt.directory.consortium(Fixture.consortiumAB)?.memberIds == [Fixture.a, Fixture.b, Fixture.c])
    }
}
