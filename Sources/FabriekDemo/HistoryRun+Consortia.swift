import EventLog
import Events
import Fabriek
import Foundation

/// Consortia (combinaties): formed by 2–4 members of one trade with a lead, changed only while
/// they have no live bid (invariant 6), sometimes dissolved.
extension HistoryRun {
    func formConsortium() async throws {
        let skills = HistorySkills.all.indices.filter { activeMembers(skill: $0).count >= 2 }
        guard !skills.isEmpty else { summary.skippedSteps += 1; return }
        let skill = random.pick(skills, weights: skills.map { HistorySkills.all[$0].weight })
        let pool = activeMembers(skill: skill)
        let chosen = random.sample(pool, random.int(2...min(4, pool.count)))
        if let c = try await form(members: chosen, skill: skill, tender: nil) {
            _ = c
        }
    }

    /// Forms a consortium of `chosen` (first is the lead); for one tender when `tender` is set.
    func form(members chosen: [Int], skill: Int, tender: Int?) async throws -> Int? {
        let id = newID()
        let lead = chosen[0]
        let area = members[lead].buurt ?? members[lead].town
        let name = tender == nil
            ? "Combinatie \(HistorySkills.all[skill].key.capitalized) \(area)"
            : "Combinatie \(members[lead].id.uuidString.prefix(4)) voor \(HistorySkills.all[skill].key)"
        let memberships = chosen.map {
            ConsortiumMembership(memberId: members[$0].id, acceptedJointLiability: true, acceptedAt: clock.now())
        }
        let command = FormConsortium(consortiumId: id, name: name, scope: tender == nil ? .standing : .singleTender,
                                     tenderId: tender.map { tenders[$0].id }, lead: members[lead].id, members: memberships)
        guard try await issue(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id), .form(command)) != nil else {
            return nil
        }
        let index = consortia.count
        consortia.append(Consortium(id: id, members: chosen, lead: lead, skill: skill, tender: tender))
        for m in chosen { members[m].consortia.append(index) }
        summary.consortiaFormed += 1
        if tender != nil { summary.singleTenderConsortia += 1 }
        return index
    }

    func changeConsortium() async throws {
        let candidates = consortia.indices.filter {
            !consortia[$0].dissolved && consortia[$0].tender == nil && consortia[$0].liveBids == 0
                && consortia[$0].members.allSatisfy { members[$0].status == .active }
        }
        guard !candidates.isEmpty else { summary.skippedSteps += 1; return }
        let c = random.pick(candidates)
        let consortium = consortia[c]
        let stream = ConsortiumDecider.streamId(consortium.id)
        let newcomers = activeMembers(skill: consortium.skill).filter { !consortium.members.contains($0) }
        switch random.int(0...99) {
        case 0..<35 where !newcomers.isEmpty && consortium.members.count < 5:
            let m = random.pick(newcomers)
            let membership = ConsortiumMembership(memberId: members[m].id, acceptedJointLiability: true, acceptedAt: clock.now())
            guard try await issue(ConsortiumDecider.self, stream: stream, .addMember(membership)) != nil else { return }
            consortia[c].members.append(m)
            members[m].consortia.append(c)
        case 0..<60:
            let next = random.pick(consortium.members.filter { $0 != consortium.lead })
            guard try await issue(ConsortiumDecider.self, stream: stream, .changeLead(members[next].id)) != nil else { return }
            consortia[c].lead = next
        case 0..<85 where consortium.members.count > 2:
            let leaving = random.pick(consortium.members.filter { $0 != consortium.lead })
            guard try await issue(ConsortiumDecider.self, stream: stream,
                                  .removeMember(members[leaving].id, reason: "Gaat zelfstandig verder")) != nil else { return }
            consortia[c].members.removeAll { $0 == leaving }
            members[leaving].consortia.removeAll { $0 == c }
        default:
            try await dissolve(c, reason: "Samenwerking beëindigd")
            return
        }
        summary.consortiumChanges += 1
    }

    func dissolve(_ c: Int, reason: String) async throws {
        guard try await issue(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(consortia[c].id),
                              .dissolve(reason: reason)) != nil else { return }
        consortia[c].dissolved = true
        for m in consortia[c].members { members[m].consortia.removeAll { $0 == c } }
        summary.consortiaDissolved += 1
    }
}
