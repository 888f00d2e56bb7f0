import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

/// The auditor checks programme events (activities, attendances, training records, goals and
/// issued reports) as their deciders would have decided them: given a history, when one event
/// breaks a rule, then the violation names the stream, the rule and a readable reason.
@Suite struct ProgrammeAuditTests {
    let early = time("2026-04-01T09:00:00Z")
    let activity = Fixture.id(800)
    var activityStream: String { ActivityDecider.streamId(activity) }

    func registered(_ id: UUID) -> DomainEvent {
        MemberRegistered(memberId: id, kind: .soleTrader, residenceCountry: .nl, personal: SealedData(bytes: [1, 2, 3]),
                         registryIds: [], joinedOn: day("2026-01-01")).domainEvent
    }

    func held(type: ActivityType = .training, heldOn: String = "2026-03-31", attendees: [UUID] = [Fixture.a, Fixture.b],
              buurt: String? = "Céramique", minutes: UInt32 = 120) -> DomainEvent {
        ProgrammeActivityHeld(activityId: activity, title: "Offertes schrijven", focusAreas: [.lerend], activityType: type,
                              heldOn: day(heldOn), durationMinutes: minutes, buurt: buurt, attendingMemberIds: attendees,
                              externalAttendeeCount: 2, crossBorder: false).domainEvent
    }

    func hours(_ member: UUID, _ minutes: UInt32) -> DomainEvent {
        TrainingHoursRecorded(activityId: activity, memberId: member, durationMinutes: minutes).domainEvent
    }

    func goal(kpi: String = "LER-1", focusArea: FocusArea = .lerend, period: String = "2026", target: Int64 = 400,
              ends: String = "2026-12-31") -> DomainEvent {
        ProgrammeGoalSet(focusArea: focusArea, kpiCode: kpi, period: period, startsOn: day("2026-01-01"), endsOn: day(ends),
                         targetValue: target, scale: 0).domainEvent
    }

    func issued(_ id: UUID, asOf: UInt64, hash: [UInt8] = [UInt8](repeating: 7, count: 32)) -> DomainEvent {
        ProgrammeReportIssued(reportId: id, period: "programme", asOfPosition: asOf, headHash: hash,
                              kpiValues: [KpiValue(kpiCode: "LER-1", breakdown: "", value: 5, scale: 0, suppressed: false)],
                              contentHash: [UInt8](repeating: 9, count: 32)).domainEvent
    }

    /// Members A, B and C registered, C erased.
    func auditorWithMembers(_ kind: AuditorKind) -> InvariantAuditor {
        let auditor = kind.auditor()
        for member in [Fixture.a, Fixture.b, Fixture.c] {
            #expect(auditor.check(registered(member), stream: MemberDecider.streamId(member), recordedAt: early) == nil)
        }
        let erased = MemberErased(memberId: Fixture.c, erasedAt: early, reason: .dataSubjectRequest).domainEvent
        #expect(auditor.check(erased, stream: MemberDecider.streamId(Fixture.c), recordedAt: early) == nil)
        return auditor
    }

    @Test("given members and a training they attended, when hours, a goal and a report are recorded as the deciders decide, then nothing breaks a rule", arguments: AuditorKind.allCases)
    func aValidProgrammeHistoryPasses(_ kind: AuditorKind) {
        let auditor = auditorWithMembers(kind)
        #expect(auditor.check(held(), stream: activityStream, recordedAt: early) == nil)
        #expect(auditor.check(hours(Fixture.a, 90), stream: activityStream, recordedAt: early) == nil)
        #expect(auditor.check(goal(), stream: GoalDecider.streamId(kpiCode: "LER-1", period: "2026"), recordedAt: early) == nil)
        let report = Fixture.id(900)
        #expect(auditor.check(issued(report, asOf: 5), stream: ReportDecider.streamId(report), recordedAt: early, position: 7) == nil)
    }

    @Test("given an erased member, when an activity lists them as attendee, then invariant 11 names the member", arguments: AuditorKind.allCases)
    func anErasedAttendeeIsCaught(_ kind: AuditorKind) throws {
        let auditor = auditorWithMembers(kind)
        let v = try #require(auditor.check(held(attendees: [Fixture.a, Fixture.c]), stream: activityStream, recordedAt: early))
        #expect(v.rule == "invariant-11.memberErased")
        #expect(v.invariant == 11)
        #expect(v.stream == activityStream)
        #expect(v.eventType == "ProgrammeActivityHeld")
        #expect(v.reason.contains(Fixture.c.uuidString) && v.reason.contains("erased"), "\(v.reason)")
    }

    @Test("given an activity, when one that lists an unknown member, a member twice, a future day, an unknown buurt or no minutes, then each rule", arguments: AuditorKind.allCases)
    func activityRulesAreCaught(_ kind: AuditorKind) {
        func violation(_ event: DomainEvent, recordedAt: Timestamp? = nil) -> InvariantViolation? {
            auditorWithMembers(kind).check(event, stream: activityStream, recordedAt: recordedAt ?? early)
        }
        #expect(violation(held(attendees: [Fixture.d]))?.rule == "member.unknown")
        let twice = violation(held(attendees: [Fixture.a, Fixture.b, Fixture.a]))
        #expect(twice?.rule == "programme.duplicateAttendee")
        #expect(twice?.reason.contains("listed twice") == true)
        #expect(violation(held(heldOn: "2026-04-05"))?.rule == "programme.activityInFuture")
        #expect(violation(held(buurt: "Atlantis"))?.rule == "reference.unknownBuurt")
        #expect(violation(held(minutes: 0))?.rule == "programme.durationNotPositive")
    }

    @Test("given an activity, when it is held again in its stream or recorded in another activity's stream, then the stream rules", arguments: AuditorKind.allCases)
    func activityStreamsAreCaught(_ kind: AuditorKind) {
        let auditor = auditorWithMembers(kind)
        #expect(auditor.check(held(), stream: activityStream, recordedAt: early) == nil)
        #expect(auditor.check(held(), stream: activityStream, recordedAt: early)?.rule == "aggregate.alreadyExists")
        let other = ActivityDecider.streamId(Fixture.id(801))
        let v = auditorWithMembers(kind).check(held(), stream: other, recordedAt: early)
        #expect(v?.rule == "stream.mismatch")
        #expect(v?.reason.contains(activityStream) == true, "\(v?.reason ?? "")")
        #expect(auditorWithMembers(kind).check(held(), stream: "goal-LER-1-2026", recordedAt: early)?.rule == "stream.mismatch")
    }

    @Test("given a training A and B attended, when training time is recorded for a non-attendee, too long, for a meetup or before the activity, then each rule", arguments: AuditorKind.allCases)
    func trainingRecordRulesAreCaught(_ kind: AuditorKind) {
        let auditor = auditorWithMembers(kind)
        #expect(auditor.check(hours(Fixture.a, 30), stream: activityStream, recordedAt: early)?.rule == "aggregate.notFound")
        #expect(auditor.check(held(), stream: activityStream, recordedAt: early) == nil)
        let notAttended = auditor.check(hours(Fixture.d, 30), stream: activityStream, recordedAt: early)
        #expect(notAttended?.rule == "programme.notAnAttendee")
        #expect(notAttended?.reason.contains(Fixture.d.uuidString) == true)
        #expect(auditor.check(hours(Fixture.a, 121), stream: activityStream, recordedAt: early)?.rule
                == "programme.trainingMinutesExceedDuration")
        #expect(auditor.check(hours(Fixture.a, 0), stream: activityStream, recordedAt: early)?.rule == "programme.durationNotPositive")
        #expect(auditor.check(hours(Fixture.a, 30), stream: "activity-\(Fixture.id(801).uuidString.lowercased())",
                              recordedAt: early)?.rule == "stream.mismatch")

        let meetup = auditorWithMembers(kind)
        #expect(meetup.check(held(type: .meetup), stream: activityStream, recordedAt: early) == nil)
        #expect(meetup.check(hours(Fixture.a, 30), stream: activityStream, recordedAt: early)?.rule == "programme.notATraining")
    }

    @Test("given a training B attended, when B is erased and then training time is recorded for B, then invariant 11", arguments: AuditorKind.allCases)
    func trainingTimeOfAnErasedMemberIsCaught(_ kind: AuditorKind) {
        let auditor = auditorWithMembers(kind)
        #expect(auditor.check(held(), stream: activityStream, recordedAt: early) == nil)
        let erased = MemberErased(memberId: Fixture.b, erasedAt: early, reason: .dataSubjectRequest).domainEvent
        #expect(auditor.check(erased, stream: MemberDecider.streamId(Fixture.b), recordedAt: early) == nil)
        #expect(auditor.check(hours(Fixture.b, 30), stream: activityStream, recordedAt: early)?.invariant == 11)
    }

    @Test("given goals, when one names an unknown KPI, another focus area, a stream of another KPI, a negative target or an end before its start, then each rule", arguments: AuditorKind.allCases)
    func goalRulesAreCaught(_ kind: AuditorKind) {
        func violation(_ event: DomainEvent, stream: String = "goal-LER-1-2026") -> InvariantViolation? {
            kind.auditor().check(event, stream: stream, recordedAt: early)
        }
        #expect(violation(goal()) == nil)
        #expect(violation(goal(kpi: "XYZ-9"), stream: "goal-XYZ-9-2026")?.rule == "programme.unknownKPI")
        #expect(violation(goal(focusArea: .sociaal))?.rule == "programme.kpiFocusAreaMismatch")
        let misplaced = violation(goal(), stream: "goal-LER-2-2026")
        #expect(misplaced?.rule == "programme.goalStreamMismatch")
        #expect(misplaced?.reason.contains("goal-LER-1-2026") == true, "\(misplaced?.reason ?? "")")
        #expect(violation(goal(target: -1))?.rule == "programme.targetNegative")
        #expect(violation(goal(ends: "2025-12-31"))?.invariant == 9)
    }

    @Test("given a log whose chain hash at position 5 is known, when a report claims another hash, counts its own position or ends inside a commit, then invariant 12", arguments: AuditorKind.allCases)
    func issuedReportRulesAreCaught(_ kind: AuditorKind) throws {
        let hash = [UInt8](repeating: 7, count: 32)
        func auditor() -> InvariantAuditor {
            let auditor = kind.auditor()
            auditor.chainHead = { $0 == 5 ? LogHead(position: 5, hash: ChainHash(bytes: hash)!) : nil }
            return auditor
        }
        let report = Fixture.id(900)
        let stream = ReportDecider.streamId(report)
        #expect(auditor().check(issued(report, asOf: 5, hash: hash), stream: stream, recordedAt: early, position: 9) == nil)

        let forged = try #require(auditor().check(issued(report, asOf: 5, hash: [UInt8](repeating: 8, count: 32)), stream: stream,
                                                  recordedAt: early, position: 9))
        #expect(forged.rule == "invariant-12.headHashMismatch")
        #expect(forged.invariant == 12)
        #expect(forged.reason.contains(String(repeating: "07", count: 32)), "\(forged.reason)")
        #expect(auditor().check(issued(report, asOf: 9, hash: hash), stream: stream, recordedAt: early, position: 9)?.rule
                == "invariant-12.asOfNotBefore")
        #expect(auditor().check(issued(report, asOf: 4, hash: hash), stream: stream, recordedAt: early, position: 9)?.rule
                == "invariant-12.asOfNotACommit")
        #expect(auditor().check(issued(report, asOf: 5, hash: hash), stream: ReportDecider.streamId(Fixture.id(901)),
                                recordedAt: early, position: 9)?.rule == "stream.mismatch")

        let twice = auditor()
        #expect(twice.check(issued(report, asOf: 5, hash: hash), stream: stream, recordedAt: early, position: 9) == nil)
        var other = issued(report, asOf: 5, hash: hash)
        if case .programme(.reportIssued(var r)) = other { r.period = "2026"; other = r.domainEvent }
        #expect(twice.check(other, stream: stream, recordedAt: early, position: 10)?.rule == "aggregate.alreadyExists")
    }
}
