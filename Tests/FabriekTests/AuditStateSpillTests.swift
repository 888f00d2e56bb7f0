import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// The auditor's compact state: what it evicts to its scratch file comes back equal, and an
/// auditor that keeps one entry per table in memory decides every event as the one that keeps
/// everything (the same violations, rule for rule and word for word).
@Suite struct AuditStateSpillTests {
    let early = time("2026-04-01T09:00:00Z")
    let late = time("2026-04-30T09:00:00Z")

    func roundTrip<S: AuditStateCoding & Equatable>(_ state: S) throws -> S {
        var w = ProtoWriter()
        state.encode(to: &w)
        return try w.bytes.withUnsafeBytes { buffer in
            var r = ProtoReader(buffer)
            return try S(from: &r)
        }
    }

    @Test("given states with every field set (and the initial ones), when encoded and decoded, then each is equal to the original")
    func everyStateRoundTrips() throws {
        let bid = BidState(bidId: Fixture.id(1), lots: [1, 2], bidder: TenderFixture.consortium(Fixture.consortiumAB),
                           participants: [Fixture.a, Fixture.b], priceCents: 1_500_000, isWithdrawn: true, outcome: .disqualified)
        var tender = TenderState.initial
        tender.tenderId = Fixture.tender
        tender.status = .closed
        tender.buyer = TenderFixture.municipality
        tender.category = .werken
        tender.procedure = .meervoudigOnderhands
        tender.estimatedValueCents = -5
        tender.lots = TenderFixture.lots
        tender.submissionDeadline = TenderFixture.deadline
        tender.participationRule = .singleParticipation
        tender.standstillDays = 20
        tender.invited = [TenderFixture.member(Fixture.c)]
        tender.bids = [bid, BidState(bidId: Fixture.id(2), lots: [], bidder: TenderFixture.member(Fixture.a), participants: [],
                                     priceCents: 0, isWithdrawn: false, outcome: nil)]
        tender.awards = [1: AwardState(lot: 1, bidId: Fixture.id(1), valueCents: 10, standstillEndsAt: late, isFinal: true),
                         2: AwardState(lot: 2, bidId: Fixture.id(2), valueCents: 20, standstillEndsAt: early, isFinal: false)]
        #expect(try roundTrip(tender) == tender)
        #expect(try roundTrip(TenderState.initial) == .initial)

        let member = MemberState(memberId: Fixture.a, status: .erased,
                                 registryKeys: [.plaintext(RegistryId(scheme: .kvk, value: "69599084")),
                                                .digest(RegistryDigest(kind: "kvk", digest: [1, 2, 3]))],
                                 activeConsents: [Fixture.id(5), Fixture.id(6)])
        #expect(try roundTrip(member) == member)
        #expect(try roundTrip(MemberState.initial) == .initial)

        let consortium = ConsortiumState(consortiumId: Fixture.consortiumAB, leadMemberId: Fixture.b,
                                         members: [ConsortiumMembership(memberId: Fixture.a, acceptedJointLiability: true, acceptedAt: early)],
                                         isDissolved: true)
        #expect(try roundTrip(consortium) == consortium)
        #expect(try roundTrip(ConsortiumState.initial) == .initial)

        let assignment = CrossBorderState(assignmentId: Fixture.id(7), memberId: Fixture.a, startsOn: day("2026-01-01"),
                                          endsOn: day("2026-06-30"), socialSecurityBasis: .workCountry, a1Status: .issued, isEnded: true)
        #expect(try roundTrip(assignment) == assignment)
        #expect(try roundTrip(CrossBorderState.initial) == .initial)

        let activity = ActivityState(activityId: Fixture.id(8), activityType: .training, durationMinutes: 90,
                                     attendingMemberIds: [Fixture.b, Fixture.a, Fixture.b])
        #expect(try roundTrip(activity) == activity)
        #expect(try roundTrip(ActivityState.initial) == .initial)

        let goal = GoalState(current: ProgrammeGoalSet(focusArea: .lerend, kpiCode: "LER-1", period: "2026", startsOn: day("2026-01-01"),
                                                       endsOn: day("2026-12-31"), targetValue: 400, scale: 1))
        #expect(try roundTrip(goal) == goal)
        #expect(try roundTrip(GoalState.initial) == .initial)

        let report = ReportState(issued: ProgrammeReportIssued(
            reportId: Fixture.id(9), period: "programme", asOfPosition: 5, headHash: [UInt8](repeating: 7, count: 32),
            kpiValues: [KpiValue(kpiCode: "LER-1", breakdown: "", value: 5, scale: 0, suppressed: false)],
            contentHash: [UInt8](repeating: 9, count: 32)))
        #expect(try roundTrip(report) == report)
        #expect(try roundTrip(ReportState(issued: nil)) == ReportState(issued: nil))
    }

    func registered(_ id: UUID, kvk: String) -> DomainEvent {
        MemberRegistered(memberId: id, kind: .soleTrader, residenceCountry: .nl, personal: SealedData(bytes: [1, 2, 3]),
                         registryIds: [RegistryId(scheme: .kvk, value: kvk)], joinedOn: day("2026-01-01")).domainEvent
    }

    /// Many aggregates of every kind, good events and bad ones interleaved, so that a table with
    /// one entry in memory evicts and reads back on nearly every event.
    func history() -> [(String, DomainEvent, Timestamp)] {
        var h: [(String, DomainEvent, Timestamp)] = []
        let members = (0..<12).map { Fixture.id(1_000 + $0) }
        for (k, m) in members.enumerated() {
            h.append((MemberDecider.streamId(m), registered(m, kvk: String(69_599_000 + k % 10)), early))  // two pairs share a number (10)
        }
        h.append((MemberDecider.streamId(members[0]), registered(members[0], kvk: "11111111"), early))  // registered twice
        h.append((MemberDecider.streamId(Fixture.id(1_999)),
                  MemberErased(memberId: Fixture.id(1_999), erasedAt: early, reason: .dataSubjectRequest).domainEvent, early))  // unknown
        h.append((MemberDecider.streamId(members[11]),
                  MemberErased(memberId: members[11], erasedAt: early, reason: .dataSubjectRequest).domainEvent, early))
        h.append((MemberDecider.streamId(members[11]),
                  MemberErased(memberId: members[11], erasedAt: early, reason: .dataSubjectRequest).domainEvent, early))  // after erasure (11)
        h.append((MemberDecider.streamId(Fixture.id(1_998)), registered(Fixture.id(1_998), kvk: "69599001"), early))  // a number of an erased member is free
        let consortia = (0..<4).map { Fixture.id(2_000 + $0) }
        for (k, c) in consortia.enumerated() {
            let pair = [members[2 * k], members[2 * k + 1]]
            h.append((ConsortiumDecider.streamId(c), ConsortiumFormed(
                consortiumId: c, name: "C\(k)", scope: .standing, tenderId: nil, leadMemberId: pair[0],
                members: pair.map { ConsortiumMembership(memberId: $0, acceptedJointLiability: true, acceptedAt: early) }).domainEvent, early))
        }
        h.append((ConsortiumDecider.streamId(consortia[0]), ConsortiumFormed(
            consortiumId: consortia[0], name: "again", scope: .standing, tenderId: nil, leadMemberId: members[0],
            members: [ConsortiumMembership(memberId: members[0], acceptedJointLiability: true, acceptedAt: early)]).domainEvent, early))
        h.append((ConsortiumDecider.streamId(consortia[1]), ConsortiumFormed(
            consortiumId: consortia[1], name: "erased", scope: .standing, tenderId: nil, leadMemberId: members[11],
            members: [ConsortiumMembership(memberId: members[11], acceptedJointLiability: true, acceptedAt: early)]).domainEvent, early))
        let tenders = (0..<5).map { Fixture.id(3_000 + $0) }
        for t in tenders {
            guard case .published(var p) = TenderFixture.published() else { preconditionFailure("fixture") }
            p.tenderId = t
            h.append((TenderDecider.streamId(t), .tender(.published(p)), early))
        }
        for (k, t) in tenders.enumerated() {
            let stream = TenderDecider.streamId(t)
            func bid(_ n: Int, lots: [UInt32], by party: PartyRef, members: [UUID]) -> DomainEvent {
                .tender(.bidSubmitted(BidSubmitted(tenderId: t, bidId: Fixture.id(4_000 + 10 * k + n), lots: lots, bidder: party,
                                                   participatingMemberIds: members, priceCents: 1_500_000, priceBasis: .fixedPrice)))
            }
            h.append((stream, bid(0, lots: [1], by: TenderFixture.member(members[k]), members: [members[k]]), early))
            h.append((stream, bid(1, lots: [1], by: TenderFixture.consortium(consortia[k % 4]),
                                  members: [members[2 * (k % 4)], members[2 * (k % 4) + 1]]), early))
            h.append((stream, bid(2, lots: [9], by: TenderFixture.member(members[k + 1]), members: [members[k + 1]]), early))  // 2
            h.append((stream, bid(3, lots: [2], by: TenderFixture.member(members[k + 2]), members: [members[k + 2]]), late))  // 1
            h.append((stream, bid(4, lots: [2], by: TenderFixture.member(members[11]), members: [members[11]]), early))  // erased
            h.append((stream, .tender(.awardIntended(AwardIntended(tenderId: t, lot: 1, bidId: Fixture.id(4_000 + 10 * k),
                                                                   valueCents: 10, standstillEndsAt: late))), early))  // 7
        }
        h.append(("member-x", .tender(TenderFixture.published()), early))  // another aggregate's stream
        h.append((ConsortiumDecider.streamId(consortia[2]), .consortium(.memberRemoved(ConsortiumMemberRemoved(
            consortiumId: consortia[2], memberId: members[4], reason: "left"))), early))  // locked by a live bid (6)
        let activity = Fixture.id(5_000)
        let held = ProgrammeActivityHeld(activityId: activity, title: "Offertes schrijven", focusAreas: [.lerend], activityType: .training,
                                         heldOn: day("2026-03-31"), durationMinutes: 120, buurt: "Céramique",
                                         attendingMemberIds: [members[3], members[3], members[11]], externalAttendeeCount: 2,
                                         crossBorder: false).domainEvent
        h.append((ActivityDecider.streamId(activity), held, early))
        h.append((ActivityDecider.streamId(activity), held, early))
        h.append((ActivityDecider.streamId(Fixture.id(5_001)), held, early))
        for (m, minutes) in [(members[3], UInt32(60)), (members[5], 60), (members[3], 600), (members[11], 30)] {
            h.append((ActivityDecider.streamId(activity),
                      TrainingHoursRecorded(activityId: activity, memberId: m, durationMinutes: minutes).domainEvent, early))
        }
        let goal = ProgrammeGoalSet(focusArea: .lerend, kpiCode: "LER-1", period: "2026", startsOn: day("2026-01-01"),
                                    endsOn: day("2026-12-31"), targetValue: 400, scale: 0)
        h.append((GoalDecider.streamId(kpiCode: "LER-1", period: "2026"), goal.domainEvent, early))
        h.append((GoalDecider.streamId(kpiCode: "LER-2", period: "2026"), goal.domainEvent, early))
        var bad = goal
        bad.kpiCode = "NOPE-1"
        h.append((GoalDecider.streamId(kpiCode: "NOPE-1", period: "2026"), bad.domainEvent, early))
        return h
    }

    @Test("given a history of many aggregates breaking rules of every kind, when an auditor keeping one entry per table in memory checks it, then it reads entries back from its scratch file and finds the same violations, word for word, as the auditor keeping everything")
    func spillingDecidesAsInMemory() throws {
        let inMemory = AuditorKind.inMemory.auditor()
        let spilling = AuditorKind.spilling.auditor()
        var expected: [InvariantViolation?] = [], found: [InvariantViolation?] = []
        for (stream, event, at) in history() {
            expected.append(inMemory.check(event, stream: stream, recordedAt: at))
            found.append(spilling.check(event, stream: stream, recordedAt: at))
        }
        #expect(spilling.scratchFailure == nil)
        #expect(found == expected)
        let rules = Set(expected.compactMap { $0?.rule })
        #expect(rules.count >= 12, "the history breaks too few rules to show anything: \(rules.sorted())")
        let invariants = Set(expected.compactMap { v in v?.invariant })
        #expect(invariants.isSuperset(of: [1, 2, 5, 6, 7, 10, 11]), "\(invariants.sorted())")
        #expect(spilling.spilledStates.evicted > 20 && spilling.spilledStates.loaded > 5, "\(spilling.spilledStates)")
        #expect(inMemory.spilledStates.evicted == 0)
        #expect(spilling.erasedMembers == inMemory.erasedMembers)
    }

    @Test("given an auditor keeping everything that is told, halfway through a history, to keep a third of its states (and then a tenth), when it checks the rest, then it finds the same violations as the auditor keeping everything")
    func shrinkingMidwayDecidesAsInMemory() throws {
        let inMemory = AuditorKind.inMemory.auditor()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auditor-\(UUID().uuidString).audit").path
        let shrinking = try InvariantAuditor(reference: Fixture.reference, scratchFile: path, residentEntries: 1_000_000)
        let events = history()
        var expected: [InvariantViolation?] = [], found: [InvariantViolation?] = []
        for (k, (stream, event, at)) in events.enumerated() {
            if k == events.count / 2 {
                let before = shrinking.residentStates
                shrinking.shrinkResidentStates(to: 1.0 / 3.0, minimum: 1)
                #expect(shrinking.residentStates < before, "\(shrinking.residentStates) of \(before)")
            }
            if k == events.count * 3 / 4 { shrinking.shrinkResidentStates(to: 0.1, minimum: 1) }
            expected.append(inMemory.check(event, stream: stream, recordedAt: at))
            found.append(shrinking.check(event, stream: stream, recordedAt: at))
        }
        #expect(shrinking.scratchFailure == nil)
        #expect(found == expected)
        #expect(shrinking.spilledStates.loaded > 0, "\(shrinking.spilledStates)")
    }

    @Test("given an auditor with a scratch file, when it goes, then the file is deleted")
    func scratchFileIsDeleted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auditor-\(UUID().uuidString).audit").path
        do {
            let auditor = try InvariantAuditor(reference: Fixture.reference, scratchFile: path, residentEntries: 1)
            for k in 0..<3 {
                let m = Fixture.id(100 + k)
                _ = auditor.check(registered(m, kvk: "6959900\(k)"), stream: MemberDecider.streamId(m), recordedAt: early)
            }
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("given a path that exists, when an auditor is made to use it as its scratch file, then it refuses naming the path")
    func existingScratchFileIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auditor-\(UUID().uuidString).audit").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try InvariantAuditor(reference: Fixture.reference, scratchFile: path) } throws: { error in
            (error as? AuditSpillError)?.description.contains(path) == true
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("x".utf8))
    }
}
