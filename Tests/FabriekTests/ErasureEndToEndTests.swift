import EventLog
import Events
@testable import FabriekDemo
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// Crypto-shredding through the service: after `MemberErased` the member's key is gone, the log
/// is untouched and still verifies, personal fields no longer open, the non-personal facts (bids,
/// awards) remain and decode, and the member accepts no further commands (invariant 11).
@Suite struct ErasureEndToEndTests {
    private func execute(_ service: ApplicationService, tender: UUID, _ command: TenderCommand) async throws {
        try await service.execute(TenderDecider.self, stream: TenderDecider.streamId(tender), command: command)
    }

    @Test func erasedMemberLeavesOnlyFactsBehind() async throws {
        let clock = HistoryClock(start: time("2026-04-01T09:00:00Z"))
        let h = try ServiceHarness(makeService: { log, vault in
            try ApplicationService(log: log, vault: vault, reference: Fixture.reference, clock: clock.serviceClock, ids: .seeded(5))
        })
        defer { h.close() }
        let service = h.service
        let (a, tender) = (Fixture.a, Fixture.tender)

        // given A (and B) registered, A's solo bid on lot 1 and {A, B}'s bid on lot 2, both awarded and final
        try await ServiceScenario.membersConsortiumAndTender(tender, on: service)
        let soloBid = Fixture.id(1), jointBid = Fixture.id(2)
        _ = try await ServiceScenario.bid(soloBid, lots: [1], by: TenderFixture.member(a), on: tender, service: service)
        _ = try await ServiceScenario.bid(jointBid, lots: [2], by: TenderFixture.consortium(Fixture.consortiumAB), on: tender, service: service)
        clock.set(time("2026-04-29T11:00:00Z"))
        try await execute(service, tender: tender, .closeSubmission)
        for bid in [soloBid, jointBid] {
            try await execute(service, tender: tender, .evaluateBid(bidId: bid, outcome: .valid, disqualificationReason: nil,
                                                                    scoreHundredths: 8_000, rank: 1))
        }
        try await execute(service, tender: tender, .intendAward(lot: 1, bidId: soloBid, valueCents: 1_500_000))
        try await execute(service, tender: tender, .intendAward(lot: 2, bidId: jointBid, valueCents: 1_500_000))
        clock.set(time("2026-05-20T12:00:00Z"))
        try await execute(service, tender: tender, .finaliseAward(lot: 1))
        try await execute(service, tender: tender, .finaliseAward(lot: 2))

        // when A is erased
        let erasure = try await service.execute(MemberDecider.self, stream: MemberDecider.streamId(a),
                                                command: .erase(reason: .dataSubjectRequest))
        #expect(erasure.events.count == 1)

        // then the chain still verifies and the key is destroyed
        #expect(h.log.verify().isIntact)
        #expect(h.vault.isErased(subject: a))

        // A's personal fields no longer open; B's still do
        let registrations = try h.log.readStream(MemberDecider.streamId(a)) + h.log.readStream(MemberDecider.streamId(Fixture.b))
        for recorded in registrations {
            guard case .member(.registered(let r)) = try EventCatalogue.decode(recorded) else { continue }
            let json = String(decoding: try DomainEvent.member(.registered(r)).canonicalJSON(context: JSONContext(vault: h.vault)),
                              as: UTF8.self)
            if r.memberId == a {
                #expect(try r.personalDetails(in: h.vault) == nil)
                #expect(json.contains("\"erased\""))
                #expect(!json.contains("Sanne") && !json.contains("sanne@example.nl") && !json.contains("Rechtstraat"))
                // trade name, KvK number and VAT id were sealed with the rest: nothing in the
                // payload names A any more, only the KvK number's keyed digest remains
                let payload = r.encodePayload()
                #expect(!r.hasPlaintextIdentifiers && r.registryDigests.count == 1)
                #expect(!json.contains(ServiceScenario.kvk[0]) && !json.contains("Groen aan de Maas"))
                #expect(payload.firstRange(of: Array(ServiceScenario.kvk[0].utf8)) == nil)
                #expect(try r.identifiers(in: h.vault) == nil)
            } else {
                #expect(try r.personalDetails(in: h.vault)?.legalName == "Joep Houben")
                #expect(json.contains("Joep Houben"))
            }
        }

        // the tender's facts remain and decode: both bids with A among the participants, both awards final
        let tenderEvents = try h.log.readStream(TenderDecider.streamId(tender)).map { try EventCatalogue.decode($0) }
        let bids = tenderEvents.compactMap { if case .tender(.bidSubmitted(let b)) = $0 { b } else { nil } }
        #expect(bids.map(\.bidId) == [soloBid, jointBid])
        #expect(bids.allSatisfy { $0.participatingMemberIds.contains(a) })
        let finals = tenderEvents.compactMap { if case .tender(.awardFinalised(let f)) = $0 { f.bidId } else { nil } }
        #expect(finals == [soloBid, jointBid])

        // and A accepts no further command, nor takes part in new bids, consortia or activities
        let head = h.log.head()
        let refusals: [(any Error)?] = [
            await thrownError { try await service.execute(MemberDecider.self, stream: MemberDecider.streamId(a),
                                                          command: .setRate(unit: .hour, amountCents: 5_000)) },
            await thrownError { try await service.execute(MemberDecider.self, stream: MemberDecider.streamId(a),
                                                          command: .erase(reason: .other)) },
        ]
        for error in refusals { #expect(error as? DomainError == .memberErased(member: a)) }

        let next = Fixture.otherTender
        clock.set(time("2026-06-01T09:00:00Z"))
        var publish = TenderFixture.publish()
        publish.tenderId = next
        publish.submissionDeadline = time("2026-06-29T10:00:00Z")
        try await service.execute(TenderDecider.self, stream: TenderDecider.streamId(next), command: .publish(publish))
        let afterPublish = h.log.head()
        let soloAgain = await thrownError {
            _ = try await ServiceScenario.bid(Fixture.id(3), lots: [1], by: TenderFixture.member(a), on: next, service: service)
        }
        #expect(soloAgain as? DomainError == .memberNotActive(member: a, status: .erased))
        let jointAgain = await thrownError {
            _ = try await ServiceScenario.bid(Fixture.id(4), lots: [1], by: TenderFixture.consortium(Fixture.consortiumAB), on: next,
                                              service: service)
        }
        #expect(jointAgain as? DomainError == .memberNotActive(member: a, status: .erased))
        let meetup = await thrownError {
            try await service.execute(ActivityDecider.self, stream: ActivityDecider.streamId(Fixture.id(5)), command: .hold(
                HoldActivity(activityId: Fixture.id(5), title: "ZZP Café", focusAreas: [.ontmoetend], activityType: .meetup,
                             heldOn: Day(year: 2026, month: 6, day: 1)!, durationMinutes: 120, attendingMemberIds: [a])))
        }
        #expect(meetup as? DomainError == .memberErased(member: a))
        #expect(h.log.head().position == afterPublish.position)
        #expect(afterPublish.position == head.position + 1)

        // a service started later on the same log and vault sees A erased too
        let kvk = RegistryId(scheme: .kvk, value: ServiceScenario.kvk[0])
        let restarted = try ApplicationService(log: h.log, vault: h.vault, reference: Fixture.reference, clock: clock.serviceClock)
        #expect(restarted.directory.status(of: a) == .erased)
        #expect(restarted.directory.member(holding: kvk, digest: .of(kvk, with: h.vault)) == nil)
    }
}
