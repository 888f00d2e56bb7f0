import EventLog
import Events
import Foundation

/// Deterministic sample values: at least one of every event type, with optional fields both
/// present and absent, non-ASCII text and characters JSON must escape.
enum Fixtures {
    static func id(_ n: UInt8) -> UUID {
        UUID(uuid: (0x5a, 0x1e, n, 0x00, 0x12, 0x34, 0x4a, 0xbc, 0x8d, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44, n))
    }
    static let member = id(1), member2 = id(2), member3 = id(3)
    static let consortium = id(10), tender = id(20), bid = id(21), bid2 = id(22)
    static let assignment = id(30), activity = id(40), report = id(50), consent = id(60)
    static let day = Day(year: 2026, month: 4, day: 29)!
    static let time = Timestamp(microsecondsSinceEpoch: 1_777_456_800_123_456)  // 2026-04-29T10:00:00.123456Z
    static let sealed = SealedData(bytes: Array(0..<60))

    static let personal = PersonalDetails(
        legalName: "Ayşe Yılmaz", email: "ayse@example.nl", phone: "+31 43 123 4567",
        address: PostalAddress(street: "Boschstraat", houseNumber: "12a", postcode: "6211 AX", city: "Maastricht", country: .nl))

    static let events: [DomainEvent] = [
        MemberRegistered(memberId: member, kind: .soleTrader, residenceCountry: .nl, personal: sealed,
                         tradeName: "Tuinen \"De Jeker\"\n& zn", registryIds: [RegistryId(scheme: .kvk, value: "69599084")],
                         vatId: "NL000099998B57", postcodeArea: "6211", buurt: "Jekerkwartier",
                         sbiCodes: ["81300", "01300"], joinedOn: day).domainEvent,
        MemberRegistered(memberId: member2, kind: .foreignSelfEmployed, residenceCountry: .be, personal: .erased,
                         joinedOn: Day(daysSinceEpoch: -1)).domainEvent,
        MemberRegistryVerified(memberId: member, registryId: RegistryId(scheme: .kvk, value: "69599084"),
                               verifiedAt: time, source: "KVK Handelsregister API", registry: .erased).domainEvent,
        MemberProfileUpdated(memberId: member, headline: "Hoveniers uit Wyck", description: "Tuinonderhoud — ook \\ weekends\t",
                             languages: ["nl", "de"], serviceBuurten: ["Wyck", "Céramique"], serviceRadiusKm: 15,
                             serviceCountries: [.nl, .be]).domainEvent,
        MemberProfileUpdated(memberId: member).domainEvent,
        MemberSkillsDeclared(memberId: member, skills: ["gardening", "paving"], cpvInterests: ["77310000-6"]).domainEvent,
        MemberRateSet(memberId: member, unit: .hour, amountCents: 4_550).domainEvent,
        MemberAvailabilityChanged(memberId: member, availability: .limited, hoursPerWeek: 16, effectiveFrom: day,
                                  effectiveUntil: Day(year: 2026, month: 12, day: 31)!).domainEvent,
        MemberTargetGroupsDeclared(memberId: member, consentId: consent, details: sealed, declaredAt: time).domainEvent,
        MemberTargetGroupsWithdrawn(memberId: member, consentId: consent, withdrawnAt: time).domainEvent,
        MembershipEnded(memberId: member, reason: .ceasedTrading, endedOn: day).domainEvent,
        MemberErased(memberId: member, erasedAt: time, reason: .dataSubjectRequest).domainEvent,

        ConsortiumFormed(consortiumId: consortium, name: "Groen Wyck", scope: .singleTender, tenderId: tender,
                         leadMemberId: member, members: [
                            ConsortiumMembership(memberId: member, acceptedJointLiability: true, acceptedAt: time),
                            ConsortiumMembership(memberId: member2, acceptedJointLiability: true, acceptedAt: time),
                         ]).domainEvent,
        ConsortiumMemberAdded(consortiumId: consortium,
                              member: ConsortiumMembership(memberId: member3, acceptedJointLiability: false, acceptedAt: time)).domainEvent,
        ConsortiumMemberRemoved(consortiumId: consortium, memberId: member3, reason: "moved away").domainEvent,
        ConsortiumLeadChanged(consortiumId: consortium, leadMemberId: member2, previousLeadMemberId: member).domainEvent,
        ConsortiumDissolved(consortiumId: consortium).domainEvent,

        TenderPublished(tenderId: tender, buyer: Buyer(kind: .municipality, name: "Gemeente Maastricht", organisationId: "00000001003214345000"),
                        title: "Groenonderhoud Wyck", description: String(repeating: "Maaien en snoeien. ", count: 12),
                        category: .diensten, procedure: .meervoudigOnderhands, estimatedValueCents: 4_500_000_00,
                        mainCpv: "77310000-6", lots: [
                            Lot(number: 1, title: "Wyck", buurten: ["Wyck", "Céramique"], estimatedValueCents: 2_000_000_00),
                            Lot(number: 2, title: "Jekerdal", buurten: ["Jekerdal"]),
                        ], submissionDeadline: time, awardCriterion: .bestePrijsKwaliteit,
                        participationRule: .singleParticipation, standstillDays: 20, sroiBasisPoints: 500).domainEvent,
        TenderAmended(tenderId: tender, submissionDeadline: time, lots: [Lot(number: 1, title: "Wyck")], reason: "extra week").domainEvent,
        ParticipantInvited(tenderId: tender, participant: PartyRef(kind: .consortium, id: consortium), isLocal: true,
                           reason: "local gardeners of the buurt").domainEvent,
        BidSubmitted(tenderId: tender, bidId: bid, lots: [1, 2, 300], bidder: PartyRef(kind: .consortium, id: consortium),
                     participatingMemberIds: [member, member2], priceCents: 1_950_000_00, priceBasis: .fixedPrice).domainEvent,
        BidWithdrawn(tenderId: tender, bidId: bid2).domainEvent,
        SubmissionClosed(tenderId: tender, liveBidCount: 0).domainEvent,
        BidEvaluated(tenderId: tender, bidId: bid, outcome: .valid, scoreHundredths: 8_725, rank: 1).domainEvent,
        BidEvaluated(tenderId: tender, bidId: bid2, outcome: .disqualified, disqualificationReason: "late").domainEvent,
        AwardIntended(tenderId: tender, lot: 1, bidId: bid, valueCents: 1_950_000_00, standstillEndsAt: time).domainEvent,
        AwardFinalised(tenderId: tender, lot: 1, bidId: bid).domainEvent,
        TenderCancelled(tenderId: tender, reason: "budget withdrawn").domainEvent,

        CrossBorderWorkRegistered(assignmentId: assignment, memberId: member, residenceCountry: .nl, workCountry: .be,
                                  emrRegion: .beLiege, clientKind: .business, startsOn: day,
                                  endsOn: Day(year: 2027, month: 4, day: 28)!, sbiActivity: "81300",
                                  socialSecurityBasis: .posting, clientCountry: .de).domainEvent,
        A1CertificateRecorded(assignmentId: assignment, status: .issued, issuer: "SVB", validFrom: day, validUntil: day).domainEvent,
        A1CertificateRecorded(assignmentId: assignment, status: .applied).domainEvent,
        CrossBorderWorkEnded(assignmentId: assignment, endedOn: day, reason: nil).domainEvent,

        ProgrammeGoalSet(focusArea: .lerend, kpiCode: "LER-1", period: "2026", startsOn: Day(year: 2026, month: 1, day: 1)!,
                         endsOn: Day(year: 2026, month: 12, day: 31)!, targetValue: 12_000, scale: 0).domainEvent,
        ProgrammeActivityHeld(activityId: activity, title: "Meetup Wyck", focusAreas: [.ontmoetend, .verbindend],
                              activityType: .meetup, heldOn: day, durationMinutes: 120, buurt: "Wyck",
                              attendingMemberIds: [member, member2, member3], externalAttendeeCount: 7,
                              partners: ["YouRegion"], crossBorder: true).domainEvent,
        TrainingHoursRecorded(activityId: activity, memberId: member, durationMinutes: 90).domainEvent,
        ProgrammeReportIssued(reportId: report, period: "2026-Q1", asOfPosition: 1_234_567_890_123,
                              headHash: Array(repeating: 0xAB, count: 32), kpiValues: [
                                KpiValue(kpiCode: "SOC-1", breakdown: "", value: 4_250, scale: 2, suppressed: false),
                                KpiValue(kpiCode: "SOC-1", breakdown: "group=armoede", value: 0, scale: 0, suppressed: true),
                              ], contentHash: Array(repeating: 0x01, count: 32)).domainEvent,

        ImportViolationsAccepted(importId: id(70), file: "history.jsonl", violations: [
            AcceptedViolation(eventId: bid, stream: "tender-\(tender.uuidString.lowercased())", eventType: "BidSubmitted",
                              line: 42, rule: "tender.lotNumberTwice", reason: "lot 2 is published twice"),
        ]).domainEvent,
    ]
}
