import Events
import Foundation
import Testing
@testable import Fabriek

/// The glue the application service relies on: stream ids, wrapping into `DomainEvent`, folding.
@Suite("Decider protocol")
struct DeciderProtocolTests {
    @Test func streamIdsFollowDomainMd() {
        let id = UUID(uuidString: "6F1C2A52-0000-4000-8000-000000000001")!
        #expect(MemberDecider.streamId(id) == "member-6f1c2a52-0000-4000-8000-000000000001")
        #expect(ConsortiumDecider.streamId(id) == "consortium-6f1c2a52-0000-4000-8000-000000000001")
        #expect(TenderDecider.streamId(id) == "tender-6f1c2a52-0000-4000-8000-000000000001")
        #expect(CrossBorderDecider.streamId(id) == "xborder-6f1c2a52-0000-4000-8000-000000000001")
        #expect(ActivityDecider.streamId(id) == "activity-6f1c2a52-0000-4000-8000-000000000001")
        #expect(GoalDecider.streamId(kpiCode: "LER-1", period: "2026") == "goal-LER-1-2026")
    }

    @Test func eventsRoundTripThroughDomainEvent() {
        let published = TenderFixture.published()
        let wrapped = TenderDecider.domainEvent(published)
        #expect(wrapped == .tender(published))
        #expect(TenderDecider.aggregateEvent(wrapped) == published)
        #expect(MemberDecider.aggregateEvent(wrapped) == nil)
    }

    @Test func foldingIsEvolveFromInitialState() {
        let events = [TenderFixture.published(), TenderFixture.closed]
        #expect(TenderDecider.fold(events) == TenderDecider.evolve(TenderDecider.evolve(TenderDecider.initialState, events[0]), events[1]))
        #expect(TenderDecider.fold([]) == TenderDecider.initialState)
    }

    @Test func refusedCommandsWriteNothingAndLeaveStateAlone() {
        let state = TenderDecider.fold([TenderFixture.published()])
        let late = Fixture.context(now: "2026-04-29T10:00:00Z")
        #expect(throws: DomainError.self) {
            try TenderDecider.decide(TenderFixture.submit(Fixture.id(1), lots: [1], by: TenderFixture.member(Fixture.a)),
                                     state: state, context: late)
        }
        #expect(state == TenderDecider.fold([TenderFixture.published()]))
    }
}
