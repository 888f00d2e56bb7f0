import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

@Suite("Programme deciders")
struct ProgrammeDeciderTests {
    let activity = Fixture.id(800)

    func training(attendees: [UUID] = [Fixture.a, Fixture.b, Fixture.a], heldOn: String = "2026-03-31",
                  buurt: String? = "Céramique") -> HoldActivity {
        HoldActivity(activityId: activity, title: "Offertes schrijven", focusAreas: [.lerend, .opdrachten, .lerend],
                     activityType: .training, heldOn: day(heldOn), durationMinutes: 120, buurt: buurt,
                     attendingMemberIds: attendees, externalAttendeeCount: 3)
    }

    var held: ProgrammeEvent {
        .activityHeld(ProgrammeActivityHeld(activityId: activity, title: "Offertes schrijven", focusAreas: [.lerend, .opdrachten],
                                            activityType: .training, heldOn: day("2026-03-31"), durationMinutes: 120,
                                            buurt: "Céramique", attendingMemberIds: [Fixture.a, Fixture.b],
                                            externalAttendeeCount: 3, crossBorder: false))
    }

    @Test func activityIsRecordedWithDistinctAttendeesAndFocusAreas() {
        expectEvents(ActivityDecider.self, when: .hold(training()), then: [held])
    }

    @Test func activityRules() {
        var t = training()
        t.focusAreas = []
        expectRefusal(ActivityDecider.self, when: .hold(t), then: .noFocusArea)
        t = training()
        t.durationMinutes = 0
        expectRefusal(ActivityDecider.self, when: .hold(t), then: .durationNotPositive(minutes: 0))
        expectRefusal(ActivityDecider.self, when: .hold(training(heldOn: "2026-04-03")),
                      then: .activityInFuture(heldOn: day("2026-04-03"), today: day("2026-04-01")))
        expectRefusal(ActivityDecider.self, when: .hold(training(buurt: "Atlantis")), then: .unknownBuurt(buurt: "Atlantis"))
        expectRefusal(ActivityDecider.self, when: .hold(training(attendees: [Fixture.erased])),
                      then: .memberErased(member: Fixture.erased))
        expectRefusal(ActivityDecider.self, given: [held], when: .hold(training()),
                      then: .alreadyExists(stream: ActivityDecider.streamId(activity)))
    }

    @Test func trainingHours() {
        expectEvents(ActivityDecider.self, given: [held], when: .recordTrainingHours(memberId: Fixture.a, durationMinutes: 90),
                     then: [.trainingHoursRecorded(TrainingHoursRecorded(activityId: activity, memberId: Fixture.a, durationMinutes: 90))])
        expectRefusal(ActivityDecider.self, given: [held], when: .recordTrainingHours(memberId: Fixture.c, durationMinutes: 90),
                      then: .notAnAttendee(member: Fixture.c))
        expectRefusal(ActivityDecider.self, given: [held], when: .recordTrainingHours(memberId: Fixture.a, durationMinutes: 121),
                      then: .trainingMinutesExceedDuration(minutes: 121, duration: 120))
        var meetup = training()
        meetup.activityType = .meetup
        let meetupHeld = accepted(ActivityDecider.self, when: .hold(meetup))
        expectRefusal(ActivityDecider.self, given: meetupHeld, when: .recordTrainingHours(memberId: Fixture.a, durationMinutes: 60),
                      then: .notATraining(activityType: .meetup))
    }

    // MARK: Goals

    func goal(_ focusArea: FocusArea = .lerend, kpi: String = "LER-1", period: String = "2026",
              target: Int64 = 500) -> SetGoal {
        SetGoal(focusArea: focusArea, kpiCode: kpi, period: period, startsOn: day("2026-01-01"), endsOn: day("2026-12-31"),
                targetValue: target)
    }

    @Test func goalIsSetForAKnownKPIOfItsFocusArea() {
        let set = ProgrammeEvent.goalSet(ProgrammeGoalSet(focusArea: .lerend, kpiCode: "LER-1", period: "2026",
                                                          startsOn: day("2026-01-01"), endsOn: day("2026-12-31"),
                                                          targetValue: 500, scale: 0))
        expectEvents(GoalDecider.self, when: .set(goal()), then: [set])
        expectEvents(GoalDecider.self, given: [set], when: .set(goal()), then: [])
        #expect(accepted(GoalDecider.self, given: [set], when: .set(goal(target: 600))).count == 1)
        expectRefusal(GoalDecider.self, when: .set(goal(kpi: "LER-9")), then: .unknownKPI(code: "LER-9"))
        expectRefusal(GoalDecider.self, when: .set(goal(.sociaal)),
                      then: .kpiFocusAreaMismatch(kpi: "LER-1", focusArea: .sociaal, expected: "lerend"))
        expectRefusal(GoalDecider.self, when: .set(goal(target: -1)), then: .targetNegative(value: -1))
        expectRefusal(GoalDecider.self, given: [set], when: .set(goal(period: "2027")),
                      then: .goalStreamMismatch(expected: "goal-LER-1-2026", actual: "goal-LER-1-2027"))
        #expect(GoalDecider.streamId(kpiCode: "OPD-4", period: "2026-Q2") == "goal-OPD-4-2026-Q2")
    }
}
