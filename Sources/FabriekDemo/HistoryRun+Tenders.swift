import EventLog
import Events
import Fabriek
import Foundation

/// Jobs: publication with lots and a procedure fitting the EU thresholds (invariant 8),
/// invitations for onderhandse procedures (3), bids respecting single participation (4),
/// closing, evaluation, intended and final awards after the standstill period (7).
extension HistoryRun {
    static let municipality = Buyer(kind: .municipality, name: "Gemeente Maastricht", organisationId: "GM0935")

    func publishTender() async throws {
        let municipal = random.chance(0.45)
        let skills = HistorySkills.all.indices.filter { (!municipal || HistorySkills.all[$0].municipal) && !activeMembers(skill: $0).isEmpty }
        guard !skills.isEmpty else { summary.skippedSteps += 1; return }
        let skill = random.pick(skills, weights: skills.map { HistorySkills.all[$0].weight })
        let info = HistorySkills.all[skill]

        // Value and procedure: below the EU threshold in force today a national or private
        // (onderhandse) procedure, at or above it a European one with 20 days standstill.
        var procedure: ProcedureType
        var valueCents: Int64
        var standstill: Int
        var deadlineDays: ClosedRange<Int>
        if municipal {
            let threshold = reference.euThresholds.amountCents(category: info.category.rawValue,
                                                               buyerKind: "decentraleOverheid", on: today)
            let band = random.int(0...99)
            switch band {
            case 0..<55:
                procedure = .enkelvoudigOnderhands; valueCents = random.int64(4_000...45_000) * 100
                standstill = 5; deadlineDays = 10...14
            case 0..<80:
                procedure = .meervoudigOnderhands; valueCents = random.int64(50_000...190_000) * 100
                standstill = 10; deadlineDays = 14...21
            case 0..<94:
                procedure = .nationaalOpenbaar; valueCents = random.int64(60_000...200_000) * 100
                standstill = 15; deadlineDays = 21...35
            default:
                procedure = random.chance(0.8) ? .europeesOpenbaar : .europeesNietOpenbaar
                valueCents = (threshold ?? 21_400_000) + random.int64(10_000...400_000) * 100
                standstill = 20; deadlineDays = 36...52
            }
            if let threshold, valueCents >= threshold, procedure != .europeesOpenbaar, procedure != .europeesNietOpenbaar {
                procedure = .europeesOpenbaar; standstill = 20; deadlineDays = 36...52
            }
        } else {
            procedure = .vrijeInkoopPrivaat; valueCents = random.int64(800...40_000) * 100
            standstill = random.int(0...3); deadlineDays = 7...21
        }

        let lotCount = municipal ? random.pick([1, 1, 1, 2, 2, 3]) : random.pick([1, 1, 1, 1, 2])
        let lotBuurten = random.sample(buurten, lotCount * 2)
        var lots: [Lot] = []
        var remaining = valueCents
        for n in 1...lotCount {
            let value = n == lotCount ? remaining : valueCents / Int64(lotCount)
            remaining -= value
            let buurtCount = random.chance(0.3) ? 2 : 1
            let lotsBuurten = Array(lotBuurten[(2 * (n - 1))..<(2 * (n - 1) + buurtCount)])
            let title = random.pick(info.jobTitles).replacingOccurrences(of: "{buurt}", with: lotsBuurten[0])
            lots.append(Lot(number: UInt32(n), title: title, buurten: lotsBuurten, estimatedValueCents: value))
        }
        let buyer = municipal ? Self.municipality
            : Buyer(kind: .business, name: random.pick(HistoryNames.businesses), organisationId: HistoryIdentifiers.kvk(&random))
        let id = newID()
        let deadline = Timestamp(microsecondsSinceEpoch: at(today.adding(days: random.int(deadlineDays)), hour: 10))
        let criterion: AwardCriterion = municipal ? (random.chance(0.7) ? .bestePrijsKwaliteit : .laagstePrijs)
            : (random.chance(0.6) ? .laagstePrijs : .bestePrijsKwaliteit)
        let rule: ParticipationRule = random.chance(0.95) ? .singleParticipation : .multipleParticipation
        let title = lotCount == 1 ? lots[0].title : "\(info.key.capitalized): \(lotCount) percelen"
        let publish = PublishTender(
            tenderId: id, buyer: buyer, title: title,
            description: "\(buyer.name) zoekt een \(info.key) voor: \(lots.map(\.title).joined(separator: "; ")). Voorkeur voor ondernemers uit de buurt.",
            category: info.category, procedure: procedure, estimatedValueCents: valueCents, mainCpv: info.cpv, lots: lots,
            submissionDeadline: deadline, awardCriterion: criterion, participationRule: rule,
            standstillDays: UInt32(standstill), sroiBasisPoints: municipal && valueCents >= 5_000_000 && random.chance(0.5) ? 500 : 0)
        guard try await issue(TenderDecider.self, stream: TenderDecider.streamId(id), .publish(publish)) != nil else { return }

        let t = tenders.count
        tenders.append(Tender(id: id, municipal: municipal, skill: skill, procedure: procedure, criterion: criterion,
                              rule: rule, lots: lots, deadline: deadline, standstillDays: standstill))
        summary.tenders += 1
        summary.lots += lots.count
        summary.tendersByProcedure[procedure.rawValue, default: 0] += 1
        if municipal { summary.municipalTenders += 1 } else { summary.businessTenders += 1 }

        let window = deadline.microsecondsSinceEpoch - now
        func inWindow(_ fraction: ClosedRange<Double>) -> Int64 {
            now + Int64(Double(window) * Double.random(in: fraction, using: &random))
        }
        var bidSlots: Int
        if procedure == .enkelvoudigOnderhands || procedure == .meervoudigOnderhands {
            try await invite(t, count: procedure == .enkelvoudigOnderhands ? 1 : random.int(3...5))
            bidSlots = tenders[t].invited.count
        } else {
            bidSlots = municipal ? random.int(2...6) : random.int(1...4)
        }
        for _ in 0..<bidSlots { schedule.plan(.submitBid(t), at: inWindow(0.1...0.9)) }
        if random.chance(0.01) { schedule.plan(.lateBid(t), at: deadline.microsecondsSinceEpoch + 5 * 60_000_000) }
        if random.chance(0.05) { schedule.plan(.amendTender(t), at: inWindow(0.3...0.5)) }
        if random.chance(0.04) { schedule.plan(.withdrawBid(t), at: inWindow(0.92...0.97)) }
        if random.chance(0.02) {
            schedule.plan(.cancelTender(t), at: inWindow(0.5...0.95))
        } else {
            schedule.plan(.closeSubmission(t), at: deadline.microsecondsSinceEpoch + Int64(random.int(1...4)) * 3_600_000_000)
        }
    }

    /// Invites parties of the tender's trade, local ones first; a consortium now and then.
    private func invite(_ t: Int, count: Int) async throws {
        let tender = tenders[t]
        let lotBuurten = Set(tender.lots.flatMap(\.buurten))
        let pool = activeMembers(skill: tender.skill)
        let local = pool.filter { members[$0].buurt.map(lotBuurten.contains) ?? false }
        var parties: [PartyRef] = []
        var reasons: [String] = []
        var isLocal: [Bool] = []
        if count > 1, random.chance(0.3),
           let c = consortia.indices.first(where: { consortia[$0].skill == tender.skill && canBid(consortium: $0, tender: t) }) {
            parties.append(PartyRef(kind: .consortium, id: consortia[c].id))
            reasons.append("Combinatie met ervaring in dit werk")
            isLocal.append(true)
        }
        for m in random.sample(local, count - parties.count) {
            parties.append(PartyRef(kind: .member, id: members[m].id))
            reasons.append("Gevestigd in \(members[m].buurt ?? "Maastricht"), waar het werk is")
            isLocal.append(true)
        }
        let others = pool.filter { m in !parties.contains { $0.id == members[m].id } }
        for m in random.sample(others, count - parties.count) {
            parties.append(PartyRef(kind: .member, id: members[m].id))
            reasons.append(members[m].country == .nl ? "Relevante ervaring, Maastrichtse ondernemer" : "Specialist uit de Euregio")
            isLocal.append(members[m].country == .nl)
        }
        for (i, party) in parties.enumerated() {
            tick()
            guard try await issue(TenderDecider.self, stream: tender.stream,
                                  .invite(party, isLocal: isLocal[i], reason: reasons[i])) != nil else { continue }
            tenders[t].invited.append(party)
            summary.invitations += 1
        }
    }

    func submitBid(_ t: Int) async throws {
        let tender = tenders[t]
        guard !tender.closed, !tender.cancelled, now < tender.deadline.microsecondsSinceEpoch else {
            summary.skippedSteps += 1
            return
        }
        guard let (bidder, consortium, participants, lots) = try await chooseBidder(t) else {
            summary.skippedSteps += 1
            return
        }
        let lotValue = tender.lots.filter { lots.contains($0.number) }.reduce(Int64(0)) { $0 + ($1.estimatedValueCents ?? 0) }
        let price = max(10_000, lotValue * Int64(random.int(75...115)) / 100)
        let basis: PriceBasis = tender.municipal || random.chance(0.7) ? .fixedPrice : .hourlyRate
        let bidId = newID()
        guard try await issue(TenderDecider.self, stream: tender.stream,
                              .submitBid(bidId: bidId, lots: lots, bidder: bidder, priceCents: price, priceBasis: basis),
                              actor: "member") != nil else { return }
        tenders[t].bids.append(Bid(id: bidId, bidder: bidder, consortium: consortium, participants: participants,
                                   lots: lots, priceCents: price))
        for m in participants { members[m].liveBids += 1 }
        if let consortium { consortia[consortium].liveBids += 1 }
        summary.bids += 1
        if consortium != nil { summary.consortiumBids += 1 }
    }

    /// A party that may bid now: invited (onderhands), active, not yet taking part in a live bid
    /// on the chosen lots (single participation). Sometimes a consortium, sometimes a new
    /// consortium for this tender only.
    private func chooseBidder(_ t: Int) async throws -> (PartyRef, Int?, [Int], [UInt32])? {
        let tender = tenders[t]
        let allLots = tender.lots.map(\.number)
        func lots(for m: Int) -> [UInt32] {
            if allLots.count == 1 || random.chance(0.3) { return allLots }
            if let buurt = members[m].buurt, let lot = tender.lots.first(where: { $0.buurten.contains(buurt) }) {
                return [lot.number]
            }
            return [random.pick(allLots)]
        }
        if tender.procedure == .enkelvoudigOnderhands || tender.procedure == .meervoudigOnderhands {
            let open = tender.invited.filter { party in !tender.bids.contains { $0.bidder == party } }
            for party in open {
                if party.kind == .consortium, let c = consortia.firstIndex(where: { $0.id == party.id }) {
                    let chosenLots = allLots
                    if canBid(consortium: c, tender: t), isFree(consortia[c].members, lots: chosenLots, tender: t) {
                        return (party, c, consortia[c].members, chosenLots)
                    }
                } else if let m = members.firstIndex(where: { $0.id == party.id }), members[m].status == .active {
                    let chosenLots = lots(for: m)
                    if isFree([m], lots: chosenLots, tender: t) { return (party, nil, [m], chosenLots) }
                }
            }
            return nil
        }
        // Open procedures and private purchases.
        if random.chance(0.25) {
            let fitting = consortia.indices.filter { consortia[$0].skill == tender.skill && canBid(consortium: $0, tender: t) }
            for c in random.sample(fitting, 3) where isFree(consortia[c].members, lots: allLots, tender: t) {
                return (PartyRef(kind: .consortium, id: consortia[c].id), c, consortia[c].members, allLots)
            }
        }
        let pool = activeMembers(skill: tender.skill)
        if tender.municipal, tender.procedure != .vrijeInkoopPrivaat, random.chance(0.08), pool.count >= 4 {
            let partners = random.sample(pool, random.int(2...3))
            if isFree(partners, lots: allLots, tender: t),
               let c = try await form(members: partners, skill: tender.skill, tender: t) {
                return (PartyRef(kind: .consortium, id: consortia[c].id), c, partners, allLots)
            }
        }
        let lotBuurten = Set(tender.lots.flatMap(\.buurten))
        let local = pool.filter { members[$0].buurt.map(lotBuurten.contains) ?? false }
        let candidates = random.sample(local, 3) + random.sample(pool, 6)
        for m in candidates {
            let chosenLots = lots(for: m)
            if isFree([m], lots: chosenLots, tender: t) {
                return (PartyRef(kind: .member, id: members[m].id), nil, [m], chosenLots)
            }
        }
        return nil
    }

    /// Whether a consortium can bid on the tender: not dissolved, bound to no other tender, all
    /// members active.
    func canBid(consortium c: Int, tender t: Int) -> Bool {
        let consortium = consortia[c]
        guard !consortium.dissolved, consortium.tender == nil || consortium.tender == t else { return false }
        return consortium.members.allSatisfy { members[$0].status == .active }
    }

    /// Single participation: none of `participants` is in a live bid on one of `lots`.
    private func isFree(_ participants: [Int], lots: [UInt32], tender t: Int) -> Bool {
        guard participants.allSatisfy({ members[$0].status == .active }) else { return false }
        guard tenders[t].rule == .singleParticipation else {
            return !tenders[t].bids.contains { bid in participants.contains { bid.participants.contains($0) } && bid.isLive }
        }
        return !tenders[t].bids.contains { bid in
            bid.isLive && bid.lots.contains(where: lots.contains) && bid.participants.contains(where: participants.contains)
        }
    }

    /// A bid after the deadline: refused (invariant 1), nothing written.
    func lateBid(_ t: Int) async throws {
        let tender = tenders[t]
        guard !tender.cancelled, now >= tender.deadline.microsecondsSinceEpoch,
              let m = activeMembers(skill: tender.skill).first else { summary.skippedSteps += 1; return }
        if tender.procedure == .enkelvoudigOnderhands || tender.procedure == .meervoudigOnderhands { summary.skippedSteps += 1; return }
        let rule = tender.closed ? "invariant-1.tenderNotOpen" : "invariant-1.bidAfterDeadline"
        try await issueRefused(TenderDecider.self, stream: tender.stream,
                               .submitBid(bidId: newID(), lots: [1], bidder: PartyRef(kind: .member, id: members[m].id),
                                          priceCents: 100_000, priceBasis: .fixedPrice), rule: rule)
    }

    func amendTender(_ t: Int) async throws {
        let tender = tenders[t]
        guard !tender.closed, !tender.cancelled, now < tender.deadline.microsecondsSinceEpoch else { summary.skippedSteps += 1; return }
        let deadline = Timestamp(microsecondsSinceEpoch: tender.deadline.microsecondsSinceEpoch + 7 * 86_400_000_000)
        guard try await issue(TenderDecider.self, stream: tender.stream,
                              .amend(title: nil, description: nil, submissionDeadline: deadline, estimatedValueCents: nil,
                                     lots: [], reason: "Termijn verlengd na vragen in de nota van inlichtingen")) != nil else { return }
        tenders[t].deadline = deadline
        summary.tendersAmended += 1
    }

    func withdrawBid(_ t: Int) async throws {
        let tender = tenders[t]
        guard !tender.closed, !tender.cancelled, now < tender.deadline.microsecondsSinceEpoch,
              let b = tender.bids.indices.last(where: { tender.bids[$0].isLive }) else { summary.skippedSteps += 1; return }
        guard try await issue(TenderDecider.self, stream: tender.stream,
                              .withdrawBid(bidId: tender.bids[b].id, reason: "Capaciteit elders nodig"), actor: "member") != nil
        else { return }
        tenders[t].bids[b].withdrawn = true
        endBid(t, b)
        summary.bidsWithdrawn += 1
    }

    func cancelTender(_ t: Int, reason: String) async throws {
        guard !tenders[t].cancelled, tenders[t].finalisedLots.isEmpty else { summary.skippedSteps += 1; return }
        guard try await issue(TenderDecider.self, stream: tenders[t].stream, .cancel(reason: reason)) != nil else { return }
        tenders[t].cancelled = true
        for b in tenders[t].bids.indices where tenders[t].bids[b].isLive { endBid(t, b) }
        summary.tendersCancelled += 1
        try await dissolveSingleTenderConsortia(of: t)
    }

    func closeSubmission(_ t: Int) async throws {
        guard !tenders[t].cancelled, !tenders[t].closed else { summary.skippedSteps += 1; return }
        if now < tenders[t].deadline.microsecondsSinceEpoch {  // amended meanwhile
            schedule.plan(.closeSubmission(t), at: tenders[t].deadline.microsecondsSinceEpoch + 2 * 3_600_000_000)
            return
        }
        guard try await issue(TenderDecider.self, stream: tenders[t].stream, .closeSubmission) != nil else { return }
        tenders[t].closed = true
        if tenders[t].bids.contains(where: { !$0.withdrawn }) {
            planAfter(.evaluateBids(t), days: 2...7)
        } else {
            tick()
            try await cancelTender(t, reason: "Geen inschrijvingen ontvangen")
        }
    }

    func evaluateBids(_ t: Int) async throws {
        let tender = tenders[t]
        let open = tender.bids.indices.filter { !tender.bids[$0].withdrawn }
        var scores: [Int: Int64] = [:]
        var valid: [Int] = []
        for b in open {
            if random.chance(0.08) { scores[b] = -1 } else {
                scores[b] = random.int64(5_500...9_600)
                valid.append(b)
            }
        }
        // Rank the valid bids by the award criterion.
        let ranked = valid.sorted { a, b in
            tender.criterion == .bestePrijsKwaliteit
                ? (scores[a]!, -tender.bids[a].priceCents, a) > (scores[b]!, -tender.bids[b].priceCents, b)
                : (tender.bids[a].priceCents, a) < (tender.bids[b].priceCents, b)
        }
        for b in open {
            tick(minutes: 10)
            let bid = tender.bids[b]
            let command: TenderCommand
            if scores[b]! < 0 {
                let reason = random.pick(["KvK-uittreksel ouder dan zes maanden", "Verplichte verklaring ontbreekt",
                                          "Abnormaal lage prijs niet toegelicht"])
                command = .evaluateBid(bidId: bid.id, outcome: .disqualified, disqualificationReason: reason,
                                       scoreHundredths: nil, rank: nil)
            } else {
                command = .evaluateBid(bidId: bid.id, outcome: .valid, disqualificationReason: nil, scoreHundredths: scores[b],
                                       rank: UInt32(ranked.firstIndex(of: b)! + 1))
            }
            guard try await issue(TenderDecider.self, stream: tender.stream, command) != nil else { continue }
            if scores[b]! < 0 {
                tenders[t].bids[b].outcome = .disqualified
                endBid(t, b)
                summary.bidsDisqualified += 1
            } else {
                tenders[t].bids[b].outcome = .valid
                tenders[t].bids[b].scoreHundredths = scores[b]!
            }
        }
        if valid.isEmpty {
            tick()
            try await cancelTender(t, reason: "Geen geldige inschrijving")
        } else {
            planAfter(.intendAwards(t), days: 1...3)
        }
    }

    func intendAwards(_ t: Int) async throws {
        let tender = tenders[t]
        for lot in tender.lots {
            let candidates = tender.bids.indices.filter { tender.bids[$0].outcome == .valid && tender.bids[$0].lots.contains(lot.number) }
            guard let best = candidates.min(by: { a, b in
                let x = tender.bids[a], y = tender.bids[b]
                return tender.criterion == .bestePrijsKwaliteit
                    ? (-x.scoreHundredths, x.priceCents, a) < (-y.scoreHundredths, y.priceCents, b)
                    : (x.priceCents, a) < (y.priceCents, b)
            }) else { continue }
            let bid = tender.bids[best]
            let value = max(1, bid.priceCents / Int64(bid.lots.count))
            tick(minutes: 5)
            guard try await issue(TenderDecider.self, stream: tender.stream,
                                  .intendAward(lot: lot.number, bidId: bid.id, valueCents: value)) != nil else { continue }
            summary.awardsIntended += 1
            let standstillEnds = now + Int64(tender.standstillDays) * 86_400_000_000
            schedule.plan(.finaliseAward(t, lot: lot.number),
                          at: standstillEnds + Int64(random.int(1...30)) * 3_600_000_000)
        }
    }

    func finaliseAward(_ t: Int, lot: UInt32) async throws {
        guard !tenders[t].cancelled else { summary.skippedSteps += 1; return }
        guard try await issue(TenderDecider.self, stream: tenders[t].stream, .finaliseAward(lot: lot)) != nil else { return }
        tenders[t].finalisedLots.append(lot)
        summary.awardsFinalised += 1
        // A bid ends when every lot it covers has a final award.
        for b in tenders[t].bids.indices where tenders[t].bids[b].isLive
            && tenders[t].bids[b].lots.allSatisfy(tenders[t].finalisedLots.contains) {
            endBid(t, b)
        }
        if tenders[t].bids.allSatisfy({ !$0.isLive }) { try await dissolveSingleTenderConsortia(of: t) }
    }

    /// The bid stops counting for single participation and for its consortium's lock.
    func endBid(_ t: Int, _ b: Int) {
        guard tenders[t].bids[b].isLive else { return }
        tenders[t].bids[b].isLive = false
        for m in tenders[t].bids[b].participants { members[m].liveBids -= 1 }
        if let c = tenders[t].bids[b].consortium { consortia[c].liveBids -= 1 }
    }

    private func dissolveSingleTenderConsortia(of t: Int) async throws {
        for c in consortia.indices where consortia[c].tender == t && !consortia[c].dissolved && consortia[c].liveBids == 0 {
            tick()
            try await dissolve(c, reason: "Opdracht afgerond")
        }
    }
}
