import EventLog
import Events
import Fabriek
import Foundation

/// The "Maastricht goals": a target per KPI per year, and the activities (meetups, trainings,
/// workshops, advice, matchmaking) with their attendees and training hours.
extension HistoryRun {
    /// Targets per KPI for one programme year, in the unit of the KPI's headline figure for that
    /// year (see Projections' KPIDefinitions): stocks (register size, active members) at year
    /// end, flows (jobs, bids, hours, meetups, euros) within the year. Scaled to the register.
    private func target(_ kpi: String, year: Int) -> (value: Int64, scale: UInt32) {
        let size = Double(scale.members) / 2_500
        let y = min(max(year - 2019, 0), 2)  // 0, 1, 2
        func n(_ base: Double) -> Int64 { max(1, Int64((base * size).rounded())) }
        switch kpi {
        case "SOC-1", "FAC-1": return (n([1_000, 1_700, 2_400][y]), 0)  // active members at year end
        case "COM-1": return (n(5_000_000) * 100, 2)                     // euros awarded in the year (cents)
        case "COM-2": return (n(60), 0)                                   // distinct business clients
        case "OPD-1": return (n(130), 0)                                  // jobs published
        case "OPD-2": return (n(300), 0)                                  // bids submitted
        case "OPD-4": return (5_500 + Int64(y) * 500, 2)                  // neighbourhood match, %
        case "LER-1": return (n(900), 0)                                  // training hours
        case "LER-2": return (n(15), 0)                                   // trainings
        case "ONT-1", "ONT-3": return (n(30), 0)                          // meetups (ONT-3: across the wijken)
        case "VER-1": return (n(15), 0)                                   // consortia formed
        case "VER-3": return (n(40), 0)                                   // YouRegion registrations
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
