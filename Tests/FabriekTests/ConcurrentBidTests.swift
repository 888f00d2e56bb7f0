import EventLog
import Events
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// Invariant 4 under concurrency: two bids racing for the same participation slot, issued at the
/// same time through the service. Exactly one is written; the other is refused with the
/// participation error, never stored as a silent duplicate.
@Suite struct ConcurrentBidTests {
    /// Outcomes of two concurrent submissions: (accepted bid ids, refusals).
    private func race(_ first: (UUID, PartyRef), _ second: (UUID, PartyRef), tender: UUID,
                      services: (ApplicationService, ApplicationService)) async -> ([UUID], [any Error]) {
        async let x = thrownError { _ = try await ServiceScenario.bid(first.0, lots: [1], by: first.1, on: tender, service: services.0) }
        async let y = thrownError { _ = try await ServiceScenario.bid(second.0, lots: [1], by: second.1, on: tender, service: services.1) }
        let (ex, ey) = await (x, y)
        var accepted: [UUID] = []
        var refused: [any Error] = []
        if let ex { refused.append(ex) } else { accepted.append(first.0) }
        if let ey { refused.append(ey) } else { accepted.append(second.0) }
        return (accepted, refused)
    }

    private func liveBids(in tender: UUID, service: ApplicationService) throws -> [BidState] {
        try service.state(TenderDecider.self, stream: TenderDecider.streamId(tender)).state.liveBids(onLot: 1)
    }

    @Test func soloAndConsortiumBidOfOneMemberOnOneLot() async throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        try await ServiceScenario.membersConsortiumAndTender(Fixture.tender, on: harness.service)
        for round in 0..<10 {
            // given a fresh tender; when A bids alone and {A, B} bids, both on lot 1, at once
            let tender = Fixture.id(9_000 + round)
            try await ServiceScenario.publishTender(tender, on: harness.service)
            let solo = (Fixture.id(100 + round), TenderFixture.member(Fixture.a))
            let joint = (Fixture.id(200 + round), TenderFixture.consortium(Fixture.consortiumAB))
            let (accepted, refused) = await race(solo, joint, tender: tender, services: (harness.service, harness.service))
            // then exactly one bid is live and the other got invariant 4's error
            #expect(accepted.count == 1)
            #expect(try liveBids(in: tender, service: harness.service).map(\.bidId) == accepted)
            let error = try #require(refused.first as? DomainError)
            #expect(error == .participationConflict(member: Fixture.a, lot: 1, existingBid: accepted[0]))
        }
    }

    @Test func sameConsortiumTwiceOnOneLot() async throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        try await ServiceScenario.membersConsortiumAndTender(Fixture.tender, on: harness.service)
        let party = TenderFixture.consortium(Fixture.consortiumAB)
        let (accepted, refused) = await race((Fixture.id(1), party), (Fixture.id(2), party), tender: Fixture.tender,
                                             services: (harness.service, harness.service))
        #expect(accepted.count == 1)
        let error = try #require(refused.first as? DomainError)
        #expect(error.rule == "invariant-4.participationConflict")
        #expect(try liveBids(in: Fixture.tender, service: harness.service).count == 1)
    }

    /// Two service instances share the log but not their command gate: the tender stream's
    /// expected version makes the loser retry, and on the retried state it is refused.
    @Test func racingThroughTwoServiceInstances() async throws {
        let harness = try ServiceHarness()
        defer { harness.close() }
        try await ServiceScenario.membersConsortiumAndTender(Fixture.tender, on: harness.service)
        let second = try ApplicationService(log: harness.log, vault: harness.vault, reference: Fixture.reference,
                                            clock: harness.service.clock, ids: .seeded(2), maxAttempts: 20)
        for round in 0..<10 {
            let tender = Fixture.id(9_100 + round)
            try await ServiceScenario.publishTender(tender, on: harness.service)
            let (accepted, refused) = await race((Fixture.id(300 + round), TenderFixture.member(Fixture.a)),
                                                 (Fixture.id(400 + round), TenderFixture.consortium(Fixture.consortiumAB)),
                                                 tender: tender, services: (harness.service, second))
            #expect(accepted.count == 1)
            #expect((refused.first as? DomainError)?.rule == "invariant-4.participationConflict")
            let versions = try harness.log.readStream(TenderDecider.streamId(tender)).map(\.streamVersion)
            #expect(versions == [1, 2])
        }
    }
}
