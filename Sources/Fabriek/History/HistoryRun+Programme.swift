import EventLog
import Events
import Foundation

/// The "Maastricht goals": a target per KPI per year, and the activities (meetups, trainings,
/// workshops, advice, matchmaking) with their attendees and training hours.
extension HistoryRun {
    /// Targets per KPI for one programme year, scaled to the register's size.
    private func target(_ kpi: String, year: Int) -> (value: Int64, scale: UInt32) {
        let size = Double(scale.members) / 2_500
        let growth = Double(year - 2018)  // 1, 2, 3
        func n(_ base: Double) -> Int64 { Int64((base * size * growth).rounded()) }
        switch kpi {
        case "SOC-1": return (2_500 + Int64(growth) * 250, 2)  // share of active members in a target group, %
        case "COM-1": return (n(600_000) * 100, 0)              // euro cents awarded
        case "COM-2": return (n(25), 0)
        case "OPD-1": return (n(130), 0)
        case "OPD-2": return (3_000, 2)                          // win rate %
        case "OPD-4": return (5_000 + Int64(growth) * 500, 2)    // neighbourhood match %
        case "LER-1": return (n(900), 0)                         // hours
        case "LER-2": return (n(20), 0)
        case "ONT-1": return (n(30), 0)
        case "ONT-3": return (7, 0)                              // wijken with a meetup
        case "VER-1": return (n(14), 0)
        case "VER-3": return (n(40), 0)
        case "FAC-1": return (n(900), 0)
        default: return (n(10), 0)
        }
    }

    func setGoals() async throws {
        for year in 2019...2021 {
            for kpi in reference.kpis.kpis {
                guard let area = FocusArea(rawValue: kpi.focusArea) else { continue }
                let (value, scale) = target(kpi.code, year: year)
                let goal = SetGoal(focusArea: area, kpiCode: kpi.code, period: "\(year)",
                                   startsOn: Day(year: year, month: 1, day: 1)!, endsOn: Day(year: year, month: 12, day: 31)!,
                                   targetValue: value, scale: scale)
                tick()
                if try await issue(GoalDecider.self, stream: GoalDecider.streamId(kpiCode: kpi.code, period: "\(year)"),
                                   .set(goal), actor: "municipality") != nil {
                    summary.goalsSet += 1
                }
            }
        }
    }

    /// COVID-19: the 2020 meetup target is lowered in April 2020.
    func reviseGoal() async throws {
        guard reference.kpis.kpi("ONT-1") != nil else { return }
        let (value, _) = target("ONT-1", year: 2020)
        let goal = SetGoal(focusArea: .ontmoetend, kpiCode: "ONT-1", period: "2020", startsOn: Day(year: 2020, month: 1, day: 1)!,
                           endsOn: Day(year: 2020, month: 12, day: 31)!, targetValue: value / 2)
        if try await issue(GoalDecider.self, stream: GoalDecider.streamId(kpiCode: "ONT-1", period: "2020"), .set(goal),
                           actor: "municipality") != nil {
            summary.goalsSet += 1
        }
    }

    func holdActivity() async throws {
        let type: ActivityType = random.pick([.meetup, .training, .workshop, .advice, .matchmaking], weights: [45, 25, 15, 8, 7])
        let active = activeMembers()
        guard !active.isEmpty else { summary.skippedSteps += 1; return }
        let crossBorder = random.chance(0.1)
        let (titles, areas, minutes, attendees): ([String], [FocusArea], UInt32, ClosedRange<Int>) = switch type {
        case .meetup: (["ZZP Café", "Netwerkborrel", "Buurtontbijt ondernemers"], [.ontmoetend, .verbindend], 120, 10...40)
        case .training: (["Aanbesteden voor zzp'ers", "Boekhouden en btw", "Social media voor ondernemers",
                          "Samen inschrijven als combinatie"], [.lerend], UInt32(random.pick([180, 240])), 6...20)
        case .workshop: (["Workshop offerte schrijven", "Workshop prijs bepalen", "Workshop fotografie met je telefoon"],
                         [.lerend, .commercieel], 150, 8...25)
        case .advice: (["Spreekuur ondernemen", "Adviesgesprek pensioen en AOV"], [.faciliterend, .sociaal], 60, 1...3)
        case .matchmaking: (["Matchmaking gemeente en zzp'ers", "Speeddaten met opdrachtgevers"], [.opdrachten, .verbindend], 120, 10...30)
        }
        let lockdown = Day(year: 2020, month: 3, day: 15)!...Day(year: 2020, month: 6, day: 30)!
        let id = newID()
        let present = random.sample(active, min(active.count, random.int(attendees)))
        let title = crossBorder ? "YouRegion: werken over de grens" : random.pick(titles)
        let hold = HoldActivity(
            activityId: id, title: title, focusAreas: crossBorder ? areas + [.verbindend] : areas, activityType: type,
            heldOn: today, durationMinutes: minutes, buurt: lockdown.contains(today) ? nil : random.pick(buurten),
            attendingMemberIds: present.map { members[$0].id }, externalAttendeeCount: UInt32(random.int(0...25)),
            partners: crossBorder ? ["YouRegion"] : random.sample(HistoryNames.partners, random.int(0...2)),
            crossBorder: crossBorder)
        guard try await issue(ActivityDecider.self, stream: ActivityDecider.streamId(id), .hold(hold)) != nil else { return }
        summary.activities += 1
        summary.activitiesByType[type.rawValue, default: 0] += 1
        summary.attendances += present.count
        guard type == .training || type == .workshop else { return }
        for m in present where random.chance(0.85) {
            tick()
            let followed = random.chance(0.8) ? minutes : minutes - 30
            if try await issue(ActivityDecider.self, stream: ActivityDecider.streamId(id),
                               .recordTrainingHours(memberId: members[m].id, durationMinutes: followed)) != nil {
                summary.trainingRecords += 1
            }
        }
    }
}
