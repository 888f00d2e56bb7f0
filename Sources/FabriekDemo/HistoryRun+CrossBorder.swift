import EventLog
import Events
import Fabriek
import Foundation

/// YouRegion: work across the NL/BE/DE borders (invariant 9), with A1 certificates.
extension HistoryRun {
    func registerCrossBorder() async throws {
        let roll = random.int(0...99)
        let abroad = activeMembers().filter { members[$0].country != .nl && members[$0].openCrossBorder == 0 }
        let dutch = activeMembers().filter { members[$0].country == .nl && members[$0].openCrossBorder == 0 }
        let inbound = roll >= 70 && !abroad.isEmpty
        guard let m = inbound ? random.pick(abroad) : dutch.isEmpty ? nil : random.pick(dutch) else {
            summary.skippedSteps += 1
            return
        }
        let member = members[m]
        let work: CountryCode
        let region: EmrRegion
        if inbound {
            work = .nl; region = .nlSouthLimburg
        } else if roll < 40 {
            work = .be; region = random.pick(HistoryNames.belgianTowns).region
        } else {
            work = .de; region = random.pick(HistoryNames.germanTowns).region
        }
        let startsOn = today.adding(days: random.int(7...45))
        let lengthDays = random.pick([random.int(3...30), random.int(30...180), random.int(180...540)], weights: [50, 35, 15])
        let endsOn = startsOn.adding(days: lengthDays)
        let basis: SocialSecurityBasis = random.pick([.posting, .workCountry, .residence], weights: [70, 15, 15])
        let id = newID()
        let registration = RegisterCrossBorderWork(
            assignmentId: id, memberId: member.id, residenceCountry: member.country, workCountry: work, emrRegion: region,
            clientKind: random.pick([.business, .publicBody, .consumer], weights: [60, 20, 20]),
            startsOn: startsOn, endsOn: endsOn, sbiActivity: HistorySkills.all[member.skill].sbi, socialSecurityBasis: basis)
        guard try await issue(CrossBorderDecider.self, stream: CrossBorderDecider.streamId(id), .register(registration)) != nil
        else { return }
        let a = assignments.count
        assignments.append(Assignment(id: id, member: m, startsOn: startsOn, endsOn: endsOn, residence: member.country))
        members[m].openCrossBorder += 1
        summary.crossBorderRegistrations += 1
        summary.crossBorderByDirection["\(member.country.rawValue)→\(work.rawValue)", default: 0] += 1

        // An A1 certificate states which social security applies: applied for, then issued (or refused).
        if basis != .workCountry, random.chance(0.85) {
            let applied = planAfter(.recordA1(a, .applied), days: 0...10)
            let decided = applied + Int64(random.int(5...40)) * 86_400_000_000
            schedule.plan(.recordA1(a, random.chance(0.93) ? .issued : .refused), at: decided)
        }
        let endInstant = at(endsOn, hour: 17)
        if endInstant < at(HistoryGenerator.programmeEnd, hour: 12) {
            schedule.plan(.endCrossBorder(a), at: endInstant)
        }
    }

    func recordA1(_ a: Int, status: A1Status) async throws {
        let assignment = assignments[a]
        guard members[assignment.member].status != .erased else { summary.skippedSteps += 1; return }
        let issuer = switch assignment.residence {
        case .be: "RSVZ-INASTI"
        case .de: "Deutsche Rentenversicherung"
        default: "Sociale Verzekeringsbank"
        }
        let issued = status == .issued
        guard try await issue(CrossBorderDecider.self, stream: CrossBorderDecider.streamId(assignment.id),
                              .recordA1(status: status, issuer: issuer, validFrom: issued ? assignment.startsOn : nil,
                                        validUntil: issued ? assignment.endsOn : nil)) != nil else { return }
        summary.a1Records += 1
    }

    func endCrossBorder(_ a: Int) async throws {
        let assignment = assignments[a]
        guard members[assignment.member].status != .erased else { summary.skippedSteps += 1; return }
        guard try await issue(CrossBorderDecider.self, stream: CrossBorderDecider.streamId(assignment.id),
                              .end(endedOn: min(today, assignment.endsOn), reason: "Opdracht afgerond")) != nil else { return }
        members[assignment.member].openCrossBorder -= 1
        summary.crossBorderEnded += 1
    }
}
