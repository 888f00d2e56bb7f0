import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// Invariant 6 and the DOMAIN.md consortium vectors.
@Suite("Consortium decider")
struct ConsortiumDeciderTests {
    let id = Fixture.id(500)
    let accepted = time("2026-03-01T12:00:00Z")

    func liable(_ member: UUID, _ accepts: Bool = true) -> ConsortiumMembership {
        ConsortiumMembership(memberId: member, acceptedJointLiability: accepts, acceptedAt: accepted)
    }

    func form(lead: UUID?, _ members: [ConsortiumMembership]) -> ConsortiumCommand {
        .form(FormConsortium(consortiumId: id, name: "Groen Wyck", lead: lead, members: members))
    }

    var formedAB: ConsortiumEvent {
        .formed(ConsortiumFormed(consortiumId: id, name: "Groen Wyck", scope: .standing, leadMemberId: Fixture.a,
                                 members: [liable(Fixture.a), liable(Fixture.b)]))
    }

    // MARK: The vectors

    @Test func leadAWithMembersABIsValid() {
        expectEvents(ConsortiumDecider.self, when: form(lead: Fixture.a, [liable(Fixture.a), liable(Fixture.b)]),
                     then: [formedAB])
    }

    @Test func singleMemberIsRefused() {
        expectRefusal(ConsortiumDecider.self, when: form(lead: Fixture.a, [liable(Fixture.a)]),
                      then: .tooFewMembers(count: 1, minimum: 2))
    }

    @Test func noLeadIsRefused() {
        expectRefusal(ConsortiumDecider.self, when: form(lead: nil, [liable(Fixture.a), liable(Fixture.b)]),
                      then: .missingLead)
    }

    @Test func leadOutsideTheMembersIsRefused() {
        expectRefusal(ConsortiumDecider.self, when: form(lead: Fixture.c, [liable(Fixture.a), liable(Fixture.b)]),
                      then: .leadNotAMember(lead: Fixture.c, members: [Fixture.a, Fixture.b]))
    }

    // MARK: More of invariant 6 and 5

    @Test func everyMemberAcceptsJointLiability() {
        expectRefusal(ConsortiumDecider.self, when: form(lead: Fixture.a, [liable(Fixture.a), liable(Fixture.b, false)]),
                      then: .jointLiabilityNotAccepted(member: Fixture.b))
    }

    @Test func everyMemberIsActive() {
        expectRefusal(ConsortiumDecider.self, when: form(lead: Fixture.a, [liable(Fixture.a), liable(Fixture.ended)]),
                      then: .memberNotActive(member: Fixture.ended, status: .ended))
        expectRefusal(ConsortiumDecider.self, when: form(lead: Fixture.a, [liable(Fixture.a), liable(Fixture.erased)]),
                      then: .memberNotActive(member: Fixture.erased, status: .erased))
    }

    @Test func duplicateMembersAreRefused() {
        expectRefusal(ConsortiumDecider.self, when: form(lead: Fixture.a, [liable(Fixture.a), liable(Fixture.a)]),
                      then: .duplicateMember(member: Fixture.a))
    }

    @Test func singleTenderScopeNeedsATender() {
        expectRefusal(ConsortiumDecider.self,
                      when: .form(FormConsortium(consortiumId: id, name: "X", scope: .singleTender, lead: Fixture.a,
                                                 members: [liable(Fixture.a), liable(Fixture.b)])),
                      then: .validation(ValidationError(field: "tenderId", rule: .required, value: "")))
    }

    @Test func compositionChanges() {
        expectEvents(ConsortiumDecider.self, given: [formedAB], when: .addMember(liable(Fixture.c)),
                     then: [.memberAdded(ConsortiumMemberAdded(consortiumId: id, member: liable(Fixture.c)))])
        expectRefusal(ConsortiumDecider.self, given: [formedAB], when: .addMember(liable(Fixture.b)),
                      then: .alreadyAConsortiumMember(member: Fixture.b))
        expectRefusal(ConsortiumDecider.self, given: [formedAB], when: .addMember(liable(Fixture.c, false)),
                      then: .jointLiabilityNotAccepted(member: Fixture.c))
        expectRefusal(ConsortiumDecider.self, given: [formedAB], when: .removeMember(Fixture.b, reason: nil),
                      then: .tooFewMembers(count: 1, minimum: 2))
        expectRefusal(ConsortiumDecider.self, given: [formedAB], when: .removeMember(Fixture.a, reason: nil),
                      then: .cannotRemoveLead(member: Fixture.a))
        expectRefusal(ConsortiumDecider.self, given: [formedAB], when: .changeLead(Fixture.c),
                      then: .leadNotAMember(lead: Fixture.c, members: [Fixture.a, Fixture.b]))
        expectEvents(ConsortiumDecider.self, given: [formedAB], when: .changeLead(Fixture.b),
                     then: [.leadChanged(ConsortiumLeadChanged(consortiumId: id, leadMemberId: Fixture.b,
                                                               previousLeadMemberId: Fixture.a))])
        expectEvents(ConsortiumDecider.self, given: [formedAB], when: .changeLead(Fixture.a), then: [])
    }

    @Test func compositionIsLockedWhileALiveBidExists() {
        let bid = Fixture.id(1)
        var directory = Fixture.directory
        directory.liveBids[id] = bid
        let context = Fixture.context(directory: directory)
        for command: ConsortiumCommand in [.addMember(liable(Fixture.c)), .removeMember(Fixture.b, reason: nil),
                                           .changeLead(Fixture.b), .dissolve(reason: nil)] {
            expectRefusal(ConsortiumDecider.self, given: [formedAB], when: command, context: context,
                          then: .compositionLocked(consortium: id, liveBid: bid))
        }
    }

    @Test func dissolvedConsortiumAcceptsNothing() {
        let dissolved = ConsortiumEvent.dissolved(ConsortiumDissolved(consortiumId: id, reason: "job done"))
        expectRefusal(ConsortiumDecider.self, given: [formedAB, dissolved], when: .addMember(liable(Fixture.c)),
                      then: .consortiumDissolved(consortium: id))
        expectRefusal(ConsortiumDecider.self, given: [formedAB], when: form(lead: Fixture.a, [liable(Fixture.a), liable(Fixture.b)]),
                      then: .alreadyExists(stream: ConsortiumDecider.streamId(id)))
    }
}
