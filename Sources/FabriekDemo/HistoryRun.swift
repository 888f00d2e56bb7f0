import EventLog
import Events
import Fabriek
import FabriekReference
import Foundation

/// One generation in progress: the agenda, the generator's own model of the register (to choose
/// commands that the deciders accept), and the summary. Used by one task only.
final class HistoryRun {
    enum Step {
        case setGoals
        case reviseGoal
        case registerMember
        case completeProfile(Int)
        case verifyRegistry(Int)
        case declareTargetGroups(Int)
        case withdrawTargetGroups(Int)
        case changeAvailability(Int)
        case formConsortium
        case changeConsortium
        case publishTender
        case submitBid(Int)
        case lateBid(Int)
        case amendTender(Int)
        case withdrawBid(Int)
        case cancelTender(Int)
        case closeSubmission(Int)
        case evaluateBids(Int)
        case intendAwards(Int)
        case finaliseAward(Int, lot: UInt32)
        case registerCrossBorder
        case recordA1(Int, A1Status)
        case endCrossBorder(Int)
        case holdActivity
        case endMembership
        case erase
    }

    enum Status { case active, ended, erased }

    struct Member {
        var id: UUID
        var country: CountryCode
        var buurt: String?
        var town: String
        var skill: Int
        var status: Status = .active
        var registeredAt: Timestamp
        var kvk: String?
        var registryId: RegistryId
        var consent: UUID?
        /// Live bids the member takes part in (see `Bid.isLive`).
        var liveBids = 0
        /// Standing or single-tender consortia (not dissolved) the member is in.
        var consortia: [Int] = []
        var openCrossBorder = 0
    }

    struct Consortium {
        var id: UUID
        var members: [Int]
        var lead: Int
        var skill: Int
        var tender: Int?
        var dissolved = false
        var liveBids = 0
    }

    struct Bid {
        var id: UUID
        var bidder: PartyRef
        var consortium: Int?
        var participants: [Int]
        var lots: [UInt32]
        var priceCents: Int64
        var withdrawn = false
        var outcome: BidOutcome?
        var scoreHundredths: Int64 = 0
        /// Not withdrawn, not disqualified, not every lot finalised, tender not cancelled.
        var isLive = true
    }

    struct Tender {
        var id: UUID
        var municipal: Bool
        var skill: Int
        var procedure: ProcedureType
        var criterion: AwardCriterion
        var rule: ParticipationRule
        var lots: [Lot]
        var deadline: Timestamp
        var standstillDays: Int
        var invited: [PartyRef] = []
        var bids: [Bid] = []
        var closed = false
        var cancelled = false
        var finalisedLots: [UInt32] = []
        var stream: String { TenderDecider.streamId(id) }
    }

    struct Assignment {
        var id: UUID
        var member: Int
        var startsOn: Day
        var endsOn: Day
        var residence: CountryCode
    }

    let scale: HistoryScale
    let service: ApplicationService
    let clock: HistoryClock
    let reference: ReferenceData
    var random: HistoryRandom
    let entityIDs: IDGenerator
    var schedule = HistorySchedule<Step>()
    var summary = HistorySummary()

    var members: [Member] = []
    var consortia: [Consortium] = []
    var tenders: [Tender] = []
    var assignments: [Assignment] = []
    var usedRegistryValues: Set<String> = []
    /// Members by skill, in registration order.
    var membersBySkill: [[Int]] = Array(repeating: [], count: HistorySkills.all.count)
    let buurten: [String]

    init(seed: UInt64, scale: HistoryScale, service: ApplicationService, clock: HistoryClock) {
        self.scale = scale
        self.service = service
        self.clock = clock
        reference = service.reference
        random = HistoryRandom(seed: seed)
        entityIDs = .seeded(seed)
        buurten = service.reference.maastricht.wijken.flatMap(\.buurten)
    }

    // MARK: Running

    func run() async throws -> HistorySummary {
        planProgramme()
        // The history ends with the programme: work still under way then stays open.
        let end = at(HistoryGenerator.programmeEnd, hour: 23, minute: 59)
        while let (time, step) = schedule.next(), time <= end {
            clock.set(Timestamp(microsecondsSinceEpoch: time))
            if summary.firstInstant == nil { summary.firstInstant = clock.now() }
            try await perform(step)
        }
        summary.lastInstant = clock.now()
        summary.head = service.log.head()
        return summary
    }

    private func perform(_ step: Step) async throws {
        switch step {
        case .setGoals: try await setGoals()
        case .reviseGoal: try await reviseGoal()
        case .registerMember: try await registerMember()
        case .completeProfile(let m): try await completeProfile(m)
        case .verifyRegistry(let m): try await verifyRegistry(m)
        case .declareTargetGroups(let m): try await declareTargetGroups(m)
        case .withdrawTargetGroups(let m): try await withdrawTargetGroups(m)
        case .changeAvailability(let m): try await changeAvailability(m)
        case .formConsortium: try await formConsortium()
        case .changeConsortium: try await changeConsortium()
        case .publishTender: try await publishTender()
        case .submitBid(let t): try await submitBid(t)
        case .lateBid(let t): try await lateBid(t)
        case .amendTender(let t): try await amendTender(t)
        case .withdrawBid(let t): try await withdrawBid(t)
        case .cancelTender(let t): try await cancelTender(t, reason: "Budget voor dit jaar ingetrokken")
        case .closeSubmission(let t): try await closeSubmission(t)
        case .evaluateBids(let t): try await evaluateBids(t)
        case .intendAwards(let t): try await intendAwards(t)
        case let .finaliseAward(t, lot): try await finaliseAward(t, lot: lot)
        case .registerCrossBorder: try await registerCrossBorder()
        case let .recordA1(a, status): try await recordA1(a, status: status)
        case .endCrossBorder(let a): try await endCrossBorder(a)
        case .holdActivity: try await holdActivity()
        case .endMembership: try await endMembership()
        case .erase: try await erase()
        }
    }

    /// Spreads the scale's counts over the programme period.
    private func planProgramme() {
        let start = HistoryGenerator.programmeStart
        schedule.plan(.setGoals, at: at(start.adding(days: 6), hour: 9))
        schedule.plan(.reviseGoal, at: at(Day(year: 2020, month: 4, day: 15)!, hour: 10))
        // Members: a founding wave in the first quarter, then steady growth.
        for i in 0..<scale.members {
            let day: Day
            if i < scale.members / 5 {
                day = workday(between: start.adding(days: 7), and: Day(year: 2019, month: 3, day: 31)!)
            } else {
                day = workday(between: Day(year: 2019, month: 4, day: 1)!, and: Day(year: 2021, month: 11, day: 30)!)
            }
            schedule.plan(.registerMember, at: at(day, hour: random.int(8...16), minute: random.int(0...59)))
        }
        plan(.formConsortium, count: scale.consortia, from: Day(year: 2019, month: 3, day: 1)!, to: Day(year: 2021, month: 6, day: 30)!)
        plan(.changeConsortium, count: scale.consortia / 2, from: Day(year: 2019, month: 9, day: 1)!, to: Day(year: 2021, month: 11, day: 30)!)
        plan(.publishTender, count: scale.tenders, from: Day(year: 2019, month: 2, day: 1)!, to: Day(year: 2021, month: 10, day: 15)!)
        plan(.registerCrossBorder, count: scale.crossBorderAssignments, from: Day(year: 2019, month: 3, day: 1)!,
             to: Day(year: 2021, month: 10, day: 31)!)
        plan(.endMembership, count: scale.membershipEnds, from: Day(year: 2019, month: 7, day: 1)!, to: Day(year: 2021, month: 12, day: 15)!)
        plan(.erase, count: scale.erasures, from: Day(year: 2020, month: 1, day: 1)!, to: Day(year: 2021, month: 12, day: 15)!)
        // Activities: in the evening; few in the first COVID-19 lockdown.
        var planned = 0
        while planned < scale.activities {
            let day = workday(between: Day(year: 2019, month: 1, day: 15)!, and: Day(year: 2021, month: 12, day: 20)!)
            let lockdown = Day(year: 2020, month: 3, day: 15)!...Day(year: 2020, month: 6, day: 30)!
            if lockdown.contains(day), random.chance(0.7) { continue }
            schedule.plan(.holdActivity, at: at(day, hour: 20, minute: random.int(0...59)))
            planned += 1
        }
    }

    private func plan(_ step: Step, count: Int, from: Day, to: Day) {
        for _ in 0..<count {
            schedule.plan(step, at: at(workday(between: from, and: to), hour: random.int(8...16), minute: random.int(0...59)))
        }
    }

    /// Plans `step` `days` days (and some hours) after now; returns the instant.
    @discardableResult
    func planAfter(_ step: Step, days: ClosedRange<Int>, hours: ClosedRange<Int> = 0...6) -> Int64 {
        let time = now + Int64(random.int(days)) * 86_400_000_000 + Int64(random.int(hours)) * 3_600_000_000
            + Int64(random.int(0...59)) * 60_000_000
        schedule.plan(step, at: time)
        return time
    }

    // MARK: Time

    var now: Int64 { clock.now().microsecondsSinceEpoch }
    var today: Day { clock.now().utcDay }

    func at(_ day: Day, hour: Int, minute: Int = 0) -> Int64 {
        HistoryGenerator.instant(day, hour: hour, minute: minute).microsecondsSinceEpoch
    }

    /// A Monday-to-Friday day in `from...to`.
    func workday(between from: Day, and to: Day) -> Day {
        var day = Day(daysSinceEpoch: Int32(random.int(Int(from.daysSinceEpoch)...Int(to.daysSinceEpoch))))
        while (Int(day.daysSinceEpoch) + 3) % 7 >= 5 { day = day.adding(days: 1) }  // 1970-01-01 was a Thursday
        return day
    }

    /// Moves the clock a little between the commands of one step.
    func tick(minutes: Int64 = 1) { clock.advance(seconds: minutes * 60) }

    // MARK: Commands

    /// Runs a command the generator believes valid; a refusal is counted, not thrown.
    @discardableResult
    func issue<D: Decider>(_ decider: D.Type, stream: String, _ command: D.Command,
                           actor: String = "coordinator") async throws -> CommandOutcome? {
        summary.commands += 1
        do {
            let outcome = try await service.execute(decider, stream: stream, command: command,
                                                    metadata: CommandMetadata(actor: actor, role: "coordinator"))
            summary.events += outcome.events.count
            return outcome
        } catch let error as DomainError {
            summary.unexpectedRefusals[error.rule, default: 0] += 1
            return nil
        }
    }

    /// Runs a command that must be refused with `rule`; counts it as an expected refusal.
    func issueRefused<D: Decider>(_ decider: D.Type, stream: String, _ command: D.Command, rule: String) async throws {
        summary.commands += 1
        do {
            let outcome = try await service.execute(decider, stream: stream, command: command,
                                                    metadata: CommandMetadata(actor: "member", role: "member"))
            summary.events += outcome.events.count
            summary.unexpectedRefusals["accepted:\(rule)", default: 0] += 1
        } catch let error as DomainError {
            if error.rule == rule {
                summary.expectedRefusals += 1
            } else {
                summary.unexpectedRefusals[error.rule, default: 0] += 1
            }
        }
    }

    func newID() -> UUID { entityIDs.next() }

    // MARK: Model queries

    /// Active members, optionally with one skill, in registration order.
    func activeMembers(skill: Int? = nil) -> [Int] {
        let pool = skill.map { membersBySkill[$0] } ?? Array(members.indices)
        return pool.filter { members[$0].status == .active }
    }

    /// Whether a member may leave without breaking a live bid, a consortium or an assignment.
    func isFree(_ m: Int) -> Bool {
        let member = members[m]
        return member.status == .active && member.liveBids == 0 && member.consortia.isEmpty && member.openCrossBorder == 0
    }
}
