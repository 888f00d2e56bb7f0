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
}
