import EventLog
import Events
import Fabriek
import Foundation

/// Members: registration with valid identifiers, profile, verification, target groups, end of
/// membership and erasure.
extension HistoryRun {
    func registerMember() async throws {
        let id = newID()
        let skill = random.pick(Array(HistorySkills.all.indices), weights: HistorySkills.weights)
        let first = random.pick(HistoryNames.firstNames)
        let family = random.pick(HistoryNames.familyNames)
        let legalName = "\(first) \(family)"
        let email = "\(first).\(family)".lowercased().replacingOccurrences(of: " ", with: "")
            .folding(options: .diacriticInsensitive, locale: nil).replacingOccurrences(of: "'", with: "") + "@example.nl"
        let phone = "+31 6 \(random.int(10_000_000...99_999_999))"
        let roll = random.int(0...99)
        let country: CountryCode = roll < 88 ? .nl : roll < 95 ? .be : .de
        let skillInfo = HistorySkills.all[skill]

        var registration: RegisterMember
        var member: Member
        switch country {
        case .be:
            let (town, postcode, _) = random.pick(HistoryNames.belgianTowns)
            let number = unique { HistoryIdentifiers.belgianEnterprise(&$0) }
            let address = PostalAddress(street: "Rue de la Station", houseNumber: "\(random.int(1...120))",
                                        postcode: postcode, city: town, country: .be)
            registration = RegisterMember(memberId: id, kind: .foreignSelfEmployed, residenceCountry: .be,
                                          personal: PersonalDetails(legalName: legalName, email: email, phone: phone, address: address),
                                          tradeName: "\(family) \(skillInfo.key)", registryIds: [RegistryId(scheme: .kbo, value: number)],
                                          vatId: "BE" + number, sbiCodes: [skillInfo.sbi], joinedOn: today)
            member = Member(id: id, country: .be, buurt: nil, town: town, skill: skill, registeredAt: clock.now(), kvk: nil,
                            registryId: RegistryId(scheme: .kbo, value: number))
        case .de:
            let (town, postcode, _) = random.pick(HistoryNames.germanTowns)
            let vat = unique { HistoryIdentifiers.germanVAT(&$0) }
            let address = PostalAddress(street: "Bahnhofstraße", houseNumber: "\(random.int(1...120))",
                                        postcode: postcode, city: town, country: .de)
            registration = RegisterMember(memberId: id, kind: .foreignSelfEmployed, residenceCountry: .de,
                                          personal: PersonalDetails(legalName: legalName, email: email, phone: phone, address: address),
                                          tradeName: "\(family) \(skillInfo.key)", registryIds: [RegistryId(scheme: .ustIdNr, value: vat)],
                                          vatId: vat, sbiCodes: [skillInfo.sbi], joinedOn: today)
            member = Member(id: id, country: .de, buurt: nil, town: town, skill: skill, registeredAt: clock.now(), kvk: nil,
                            registryId: RegistryId(scheme: .ustIdNr, value: vat))
        default:
            let buurt = random.pick(buurten)
            let kvk = unique { HistoryIdentifiers.kvk(&$0) }
            let kindRoll = random.int(0...99)
            let kind: MemberKind = kindRoll < 85 ? .soleTrader : kindRoll < 93 ? .partnership : .legalEntity
            let vat = kind == .soleTrader ? HistoryIdentifiers.soleTraderVAT(&random) : HistoryIdentifiers.rsinVAT(&random)
            let address = PostalAddress(street: random.pick(HistoryNames.maastrichtStreets), houseNumber: "\(random.int(1...180))",
                                        postcode: postcode(for: buurt), city: "Maastricht", country: .nl)
            let tradeName = kind == .soleTrader && random.chance(0.3) ? nil : "\(family) \(skillInfo.key)"
            registration = RegisterMember(memberId: id, kind: kind, residenceCountry: .nl,
                                          personal: PersonalDetails(legalName: legalName, email: email, phone: phone, address: address),
                                          tradeName: tradeName, registryIds: [RegistryId(scheme: .kvk, value: kvk)], vatId: vat,
                                          buurt: buurt, sbiCodes: [skillInfo.sbi], joinedOn: today)
            member = Member(id: id, country: .nl, buurt: buurt, town: "Maastricht", skill: skill, registeredAt: clock.now(),
                            kvk: kvk, registryId: RegistryId(scheme: .kvk, value: kvk))
        }

        guard try await issue(MemberDecider.self, stream: MemberDecider.streamId(id), .register(registration)) != nil else { return }
        let index = members.count
        members.append(member)
        membersBySkill[skill].append(index)
        summary.members += 1
        summary.membersByCountry[country.rawValue, default: 0] += 1

        schedule.plan(.completeProfile(index), at: now + 15 * 60_000_000)
        if random.chance(0.85) { planAfter(.verifyRegistry(index), days: 1...20) }
        if random.chance(0.3) { planAfter(.declareTargetGroups(index), days: 0...60) }
        if random.chance(0.2) { planAfter(.changeAvailability(index), days: 30...400) }

        // Now and then someone registers a KvK number that is already in the register (invariant 10).
        if let kvk = member.kvk, random.chance(0.004) {
            tick()
            var duplicate = registration
            duplicate.memberId = newID()
            duplicate.registryIds = [RegistryId(scheme: .kvk, value: kvk)]
            try await issueRefused(MemberDecider.self, stream: MemberDecider.streamId(duplicate.memberId),
                                   .register(duplicate), rule: "invariant-10.duplicateRegistryId")
        }
    }

    func completeProfile(_ m: Int) async throws {
        guard members[m].status == .active else { summary.skippedSteps += 1; return }
        let member = members[m]
        let skill = HistorySkills.all[member.skill]
        let stream = MemberDecider.streamId(member.id)
        var serviceBuurten: [String] = []
        if let buurt = member.buurt {
            serviceBuurten = [buurt] + random.sample(buurten.filter { $0 != buurt }, random.int(0...3))
        }
        var languages = ["nl"]
        if random.chance(0.6) { languages.append("en") }
        if member.country == .be || random.chance(0.15) { languages.append("fr") }
        if member.country == .de || random.chance(0.2) { languages.append("de") }
        let countries: [CountryCode] = member.country == .nl
            ? (random.chance(0.25) ? [.nl, .be, .de] : [.nl]) : [member.country, .nl]
        try await issue(MemberDecider.self, stream: stream, .updateProfile(
            headline: "\(skill.key.capitalized) in \(member.buurt ?? member.town)",
            description: "Zelfstandig \(skill.key) uit \(member.buurt ?? member.town), werkt graag in de buurt.",
            languages: languages, serviceBuurten: serviceBuurten, serviceRadiusKm: UInt32(random.int(5...50)),
            serviceCountries: countries), actor: "member")
        tick()
        try await issue(MemberDecider.self, stream: stream, .declareSkills(
            skills: [skill.key] + (random.chance(0.3) ? [random.pick(HistorySkills.all).key] : []),
            cpvInterests: skill.cpvInterests), actor: "member")
        tick()
        try await issue(MemberDecider.self, stream: stream, .setRate(
            unit: random.chance(0.8) ? .hour : .day, amountCents: random.int64(skill.rate) * 100), actor: "member")
    }

    func verifyRegistry(_ m: Int) async throws {
        guard members[m].status == .active else { summary.skippedSteps += 1; return }
        let source = switch members[m].registryId.scheme {
        case .kvk: "KvK Handelsregister"
        case .kbo: "Kruispuntbank van Ondernemingen"
        default: "BZSt USt-IdNr-Bestätigung"
        }
        if try await issue(MemberDecider.self, stream: MemberDecider.streamId(members[m].id),
                           .verifyRegistry(members[m].registryId, source: source)) != nil {
            summary.registryVerifications += 1
        }
    }

    func declareTargetGroups(_ m: Int) async throws {
        guard members[m].status == .active else { summary.skippedSteps += 1; return }
        let consent = newID()
        let pool: [TargetGroup] = [.armoede, .age55Plus, .atypicalProfession, .youngTalent]
        var groups: [TargetGroup] = [random.chance(0.5) ? .women : .men]
        groups += random.sample(pool, random.int(0...2))
        let ageBand: AgeBand = groups.contains(.age55Plus) ? .from55 : groups.contains(.youngTalent) ? .under25
            : random.pick([.from25To34, .from35To54])
        guard try await issue(MemberDecider.self, stream: MemberDecider.streamId(members[m].id),
                              .declareTargetGroups(consentId: consent, details: TargetGroupDetails(groups: groups, ageBand: ageBand)),
                              actor: "member") != nil else { return }
        members[m].consent = consent
        summary.targetGroupDeclarations += 1
        if random.chance(0.08) { planAfter(.withdrawTargetGroups(m), days: 60...500) }
    }

    func withdrawTargetGroups(_ m: Int) async throws {
        guard members[m].status != .erased, let consent = members[m].consent else { summary.skippedSteps += 1; return }
        guard try await issue(MemberDecider.self, stream: MemberDecider.streamId(members[m].id),
                              .withdrawTargetGroups(consentId: consent), actor: "member") != nil else { return }
        members[m].consent = nil
        summary.targetGroupWithdrawals += 1
    }

    func changeAvailability(_ m: Int) async throws {
        guard members[m].status == .active else { summary.skippedSteps += 1; return }
        let availability: Availability = random.pick([.limited, .unavailable, .available])
        let until = availability == .available ? nil : today.adding(days: random.int(14...120))
        try await issue(MemberDecider.self, stream: MemberDecider.streamId(members[m].id),
                        .changeAvailability(availability, hoursPerWeek: availability == .limited ? UInt32(random.int(8...24)) : nil,
                                            effectiveFrom: today, effectiveUntil: until), actor: "member")
    }

    func endMembership() async throws {
        let sixMonths = Int64(182) * 86_400_000_000
        let candidates = members.indices.filter { isFree($0) && members[$0].registeredAt.microsecondsSinceEpoch < now - sixMonths }
        guard !candidates.isEmpty else { summary.skippedSteps += 1; return }
        let m = random.pick(candidates)
        let reason: MembershipEndReason = random.pick([.resigned, .resigned, .ceasedTrading, .other])
        guard try await issue(MemberDecider.self, stream: MemberDecider.streamId(members[m].id),
                              .endMembership(reason: reason, endedOn: today)) != nil else { return }
        members[m].status = .ended
        summary.membershipsEnded += 1
    }

    /// Erases an ended member (retention over) or, on request, an active one without open business.
    func erase() async throws {
        let ended = members.indices.filter { members[$0].status == .ended && members[$0].openCrossBorder == 0 }
        let free = members.indices.filter { isFree($0) }
        let fromEnded = !ended.isEmpty && random.chance(0.5)
        guard let m = fromEnded ? random.pick(ended) : free.isEmpty ? nil : random.pick(free) else {
            summary.skippedSteps += 1
            return
        }
        guard try await issue(MemberDecider.self, stream: MemberDecider.streamId(members[m].id),
                              .erase(reason: fromEnded ? .retentionExpired : .dataSubjectRequest), actor: "admin") != nil
        else { return }
        members[m].status = .erased
        summary.erasures += 1
    }

    /// A registry value not used before in this history.
    private func unique(_ make: (inout HistoryRandom) -> String) -> String {
        while true {
            let value = make(&random)
            if usedRegistryValues.insert(value).inserted { return value }
        }
    }

    /// A Maastricht postcode in the buurt's wijk (best knowledge), letters never SA, SD or SS.
    private func postcode(for buurt: String) -> String {
        let areas: [String: [Int]] = [
            "WK093500": [6211, 6221], "WK093501": [6212, 6213], "WK093502": [6214, 6215, 6216],
            "WK093503": [6217, 6218, 6219], "WK093504": [6224, 6225, 6226], "WK093505": [6222, 6223],
            "WK093506": [6229],
        ]
        let wijk = reference.maastricht.wijk(ofBuurt: buurt)?.code ?? "WK093500"
        let area = random.pick(areas[wijk] ?? [6211])
        let letters = Array("ABCEGHJKLMNPRTVWXZ")
        return "\(area) \(random.pick(letters))\(random.pick(letters))"
    }
}
