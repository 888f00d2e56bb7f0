import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// The auditor checks each recorded event as the write side would have decided it.
@Suite struct InvariantAuditorTests {
    let early = time("2026-04-01T09:00:00Z")
    let late = time("2026-04-30T09:00:00Z")

    func registered(_ id: UUID, kvk: String? = nil) -> DomainEvent {
        MemberRegistered(memberId: id, kind: .soleTrader, residenceCountry: .nl, personal: SealedData(bytes: [1, 2, 3]),
                         registryIds: kvk.map { [RegistryId(scheme: .kvk, value: $0)] } ?? [],
                         joinedOn: day("2026-01-01")).domainEvent
    }

    func formed(_ id: UUID, lead: UUID, members: [UUID]) -> DomainEvent {
        ConsortiumFormed(consortiumId: id, name: "Groen", scope: .standing, tenderId: nil, leadMemberId: lead,
                         members: members.map { ConsortiumMembership(memberId: $0, acceptedJointLiability: true, acceptedAt: early) })
            .domainEvent
    }

    /// Members A and B, consortium {A, B}, the two-lot tender: all valid.
    func auditorWithTender(_ kind: AuditorKind) -> InvariantAuditor {
        let auditor = kind.auditor()
        let setup: [(String, DomainEvent)] = [
            (MemberDecider.streamId(Fixture.a), registered(Fixture.a)),
            (MemberDecider.streamId(Fixture.b), registered(Fixture.b)),
            (ConsortiumDecider.streamId(Fixture.consortiumAB), formed(Fixture.consortiumAB, lead: Fixture.a, members: [Fixture.a, Fixture.b])),
            (TenderDecider.streamId(Fixture.tender), .tender(TenderFixture.published())),
        ]
        for (stream, event) in setup {
            #expect(auditor.check(event, stream: stream, recordedAt: early) == nil, "\(event.typeName)")
        }
        return auditor
    }

    @Test("given an ImportViolationsAccepted record, when folded, then audit's auditor keeps the acceptance and import's (recordsAcceptances: false) does not", arguments: AuditorKind.allCases)
    func acceptancesAreKeptOnlyWhenAsked(_ kind: AuditorKind) {
        let importId = Fixture.id(90), eventId = Fixture.id(91)
        let record = ImportViolationsAccepted(importId: importId, file: "history.jsonl", violations: [
            AcceptedViolation(eventId: eventId, stream: TenderDecider.streamId(Fixture.tender), eventType: "BidSubmitted", line: 7,
                              rule: "tender.notOpen", reason: "closed"),
        ]).domainEvent
        let stream = StreamID.historyImport(importId)
        let audit = kind.auditor()
        #expect(audit.check(record, stream: stream, recordedAt: early) == nil)
        #expect(audit.acceptances[eventId]?.importId == importId)
        let forImport = kind.auditor(recordsAcceptances: false)
        #expect(forImport.check(record, stream: stream, recordedAt: early) == nil)
        #expect(forImport.acceptances.isEmpty)
    }

    @Test("given a valid history, when audited, then no event breaks a rule", arguments: AuditorKind.allCases)
    func validHistoryPasses(_ kind: AuditorKind) {
        let auditor = auditorWithTender(kind)
        let bid = TenderFixture.submitted(Fixture.id(1), lots: [1], by: TenderFixture.member(Fixture.a), members: [Fixture.a])
        #expect(auditor.check(.tender(bid), stream: TenderDecider.streamId(Fixture.tender), recordedAt: early) == nil)
    }

    @Test("given a tender with two lots numbered 1, when audited, then the lot-number rule names the lot", arguments: AuditorKind.allCases)
    func duplicateLotNumbersAreCaught(_ kind: AuditorKind) {
        let auditor = kind.auditor()
        guard case .published(var p) = TenderFixture.published() else { Issue.record("fixture"); return }
        p.lots = [TenderFixture.lots[0], TenderFixture.lots[0]]
        let v = auditor.check(.tender(.published(p)), stream: TenderDecider.streamId(Fixture.tender), recordedAt: early)
        #expect(v?.rule == "tender.invalidLotNumber")
        #expect(v?.reason.contains("1") == true)
    }

    @Test("given a bid recorded at or after the deadline, when audited, then invariant 1", arguments: AuditorKind.allCases)
    func lateBidIsCaught(_ kind: AuditorKind) {
        let auditor = auditorWithTender(kind)
        let bid = TenderFixture.submitted(Fixture.id(1), lots: [1], by: TenderFixture.member(Fixture.a), members: [Fixture.a])
        let v = auditor.check(.tender(bid), stream: TenderDecider.streamId(Fixture.tender), recordedAt: late)
        #expect(v?.invariant == 1)
    }

    @Test("given A alone on lot 1, when {A, B} bids on lot 1 too, then invariant 4", arguments: AuditorKind.allCases)
    func doubleParticipationIsCaught(_ kind: AuditorKind) {
        let auditor = auditorWithTender(kind)
        let stream = TenderDecider.streamId(Fixture.tender)
        let solo = TenderFixture.submitted(Fixture.id(1), lots: [1], by: TenderFixture.member(Fixture.a), members: [Fixture.a])
        #expect(auditor.check(.tender(solo), stream: stream, recordedAt: early) == nil)
        let joint = TenderFixture.submitted(Fixture.id(2), lots: [1], by: TenderFixture.consortium(Fixture.consortiumAB),
                                            members: [Fixture.a, Fixture.b])
        #expect(auditor.check(.tender(joint), stream: stream, recordedAt: early)?.invariant == 4)
    }

    @Test("given a bid on a lot the tender lacks, then invariant 2; an award before closing, then invariant 7", arguments: AuditorKind.allCases)
    func unknownLotAndEarlyAwardAreCaught(_ kind: AuditorKind) {
        let auditor = auditorWithTender(kind)
        let stream = TenderDecider.streamId(Fixture.tender)
        let bid = TenderFixture.submitted(Fixture.id(1), lots: [9], by: TenderFixture.member(Fixture.a), members: [Fixture.a])
        #expect(auditor.check(.tender(bid), stream: stream, recordedAt: early)?.invariant == 2)
        let award = TenderEvent.awardIntended(AwardIntended(tenderId: Fixture.tender, lot: 1, bidId: Fixture.id(1), valueCents: 10,
                                                             standstillEndsAt: late))
        #expect(auditor.check(.tender(award), stream: stream, recordedAt: early)?.invariant == 7)
    }

    @Test("given a member holding a KvK number, when another registers with it, then invariant 10; after erasure it is free", arguments: AuditorKind.allCases)
    func duplicateRegistryNumberIsCaught(_ kind: AuditorKind) {
        let auditor = kind.auditor()
        #expect(auditor.check(registered(Fixture.a, kvk: "69599084"), stream: MemberDecider.streamId(Fixture.a), recordedAt: early) == nil)
        #expect(auditor.check(registered(Fixture.b, kvk: "69599084"), stream: MemberDecider.streamId(Fixture.b), recordedAt: early)?.invariant == 10)
        // The violating registration is recorded all the same: both hold the number until erased.
        for member in [Fixture.a, Fixture.b] {
            let erased = MemberErased(memberId: member, erasedAt: early, reason: .dataSubjectRequest).domainEvent
            #expect(auditor.check(erased, stream: MemberDecider.streamId(member), recordedAt: early) == nil)
        }
        #expect(auditor.erasedMembers == [Fixture.a, Fixture.b])
        #expect(auditor.check(registered(Fixture.c, kvk: "69599084"), stream: MemberDecider.streamId(Fixture.c), recordedAt: early) == nil)
    }

    @Test("given a tender event in a member stream, when audited, then it is refused as inconsistent", arguments: AuditorKind.allCases)
    func eventInTheWrongStreamIsCaught(_ kind: AuditorKind) {
        let auditor = kind.auditor()
        let v = auditor.check(.tender(TenderFixture.published()), stream: "member-x", recordedAt: early)
        #expect(v != nil && v?.invariant == nil)
    }
}
