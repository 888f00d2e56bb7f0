import EventLog
import Events
import FabriekTestSupport
import Foundation
import Testing
@testable import Fabriek

/// The service keeps each stream's committed state as folded, and then folds only the events
/// after it: a state is never older than the log.
@Suite struct FoldedStatesTests {
    @Test("given member A's stream folded by a command, when another writer appends to it directly, then the next command decides on the appended event too")
    func foldedStateFollowsTheLog() async throws {
        let h = try ServiceHarness()
        defer { h.close() }
        let stream = MemberDecider.streamId(Fixture.a)
        try await ServiceScenario.register(Fixture.a, kvk: ServiceScenario.kvk[0], on: h.service)
        _ = try await h.service.execute(MemberDecider.self, stream: stream, command: .setRate(unit: .hour, amountCents: 6_500))
        #expect(try h.service.state(MemberDecider.self, stream: stream).version == 2)

        // when: behind the service's back, the membership ends
        let ended = DomainEvent.member(.membershipEnded(MembershipEnded(memberId: Fixture.a, reason: .resigned, endedOn: Day(daysSinceEpoch: 20_544))))
        _ = try await h.log.append(stream: stream, expectedVersion: .exact(2), events: [ended.proposed()])

        // then: the state has it, and a change of rate is refused as for an ended member
        #expect(try h.service.state(MemberDecider.self, stream: stream).version == 3)
        await #expect(throws: (any Error).self) {
            _ = try await h.service.execute(MemberDecider.self, stream: stream, command: .setRate(unit: .hour, amountCents: 7_000))
        }
        #expect(h.log.streamVersion(stream) == 3)
    }

    @Test("given room for two streams a generation, when a third is kept, then the first two are still kept (old), and one used while old outlives one not used")
    func usedStatesOutliveOneOffs() {
        let states = FoldedStates(capacity: 4)
        let member = MemberDecider.initialState
        states.keep(MemberDecider.self, stream: "a", state: member, version: 1)
        states.keep(MemberDecider.self, stream: "b", state: member, version: 1)
        states.keep(MemberDecider.self, stream: "c", state: member, version: 1)  // a, b become old
        #expect(states.state(MemberDecider.self, stream: "a")?.1 == 1)          // a moves back to young
        states.keep(MemberDecider.self, stream: "d", state: member, version: 1)  // c, a become old; b is dropped
        #expect(states.state(MemberDecider.self, stream: "b") == nil)
        #expect(states.state(MemberDecider.self, stream: "a")?.1 == 1)
        #expect(states.state(MemberDecider.self, stream: "c")?.1 == 1)
        #expect(states.state(MemberDecider.self, stream: "d")?.1 == 1)
        #expect(states.count <= 4)
    }

    @Test("given many streams kept one after another, then never more than the capacity are kept, and the last ones are")
    func bounded() {
        let states = FoldedStates(capacity: 10)
        for i in 0..<1_000 {
            states.keep(MemberDecider.self, stream: "s\(i)", state: MemberDecider.initialState, version: UInt64(i + 1))
            #expect(states.count <= 10)
        }
        for i in 995..<1_000 { #expect(states.state(MemberDecider.self, stream: "s\(i)")?.1 == UInt64(i + 1)) }
    }

    @Test("given a state kept at version 5, when an older one is kept, then version 5 stays; a state asked for by another decider is not given")
    func neverOlderNeverForeign() {
        let states = FoldedStates(capacity: 4)
        states.keep(MemberDecider.self, stream: "a", state: MemberDecider.initialState, version: 5)
        states.keep(MemberDecider.self, stream: "a", state: MemberDecider.initialState, version: 3)
        #expect(states.state(MemberDecider.self, stream: "a")?.1 == 5)
        #expect(states.state(TenderDecider.self, stream: "a") == nil)
        // also once the state is in the old generation
        states.keep(MemberDecider.self, stream: "b", state: MemberDecider.initialState, version: 1)
        states.keep(MemberDecider.self, stream: "c", state: MemberDecider.initialState, version: 1)
        states.keep(MemberDecider.self, stream: "a", state: MemberDecider.initialState, version: 4)
        #expect(states.state(MemberDecider.self, stream: "a")?.1 == 5)
    }
}
