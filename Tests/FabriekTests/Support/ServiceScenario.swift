import EventLog
import Events
import Foundation
@testable import Fabriek

/// Commands that build a small register through a service: members, a consortium, an open tender.
enum ServiceScenario {
    static let kvk = ["69599084", "12345678", "87654321", "11223344", "55667788"]

    static func registration(_ member: UUID, kvk: String, name: String = "Sanne Smeets") -> RegisterMember {
        RegisterMember(memberId: member, kind: .soleTrader, residenceCountry: .nl,
                       personal: PersonalDetails(legalName: name, email: "sanne@example.nl", phone: "+31 6 12345678",
                                                 address: PostalAddress(street: "Rechtstraat", houseNumber: "12",
                                                                        postcode: "6221 EG", city: "Maastricht", country: .nl)),
                       tradeName: "Groen aan de Maas", registryIds: [RegistryId(scheme: .kvk, value: kvk)],
                       vatId: "NL000099998B57", buurt: "Wyck", sbiCodes: ["81300"], joinedOn: Day(year: 2026, month: 3, day: 1)!)
    }

    @discardableResult
    static func register(_ member: UUID, kvk: String, name: String = "Sanne Smeets", on service: ApplicationService) async throws -> CommandOutcome {
        try await service.execute(MemberDecider.self, stream: MemberDecider.streamId(member),
                                  command: .register(registration(member, kvk: kvk, name: name)))
    }

    static func formConsortium(_ id: UUID, lead: UUID, members: [UUID], on service: ApplicationService) async throws {
        let memberships = members.map {
            ConsortiumMembership(memberId: $0, acceptedJointLiability: true, acceptedAt: time("2026-03-01T09:00:00Z"))
        }
        try await service.execute(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id),
                                  command: .form(FormConsortium(consortiumId: id, name: "Groen Wyck", lead: lead, members: memberships)))
    }

    /// Publishes `TenderFixture.publish` (two lots, deadline 2026-04-29T10:00:00Z) under `id`.
    static func publishTender(_ id: UUID, on service: ApplicationService) async throws {
        var publish = TenderFixture.publish()
        publish.tenderId = id
        try await service.execute(TenderDecider.self, stream: TenderDecider.streamId(id), command: .publish(publish))
    }

    static func bid(_ bid: UUID, lots: [UInt32], by bidder: PartyRef, on tender: UUID,
                    service: ApplicationService) async throws -> CommandOutcome {
        try await service.execute(TenderDecider.self, stream: TenderDecider.streamId(tender),
                                  command: TenderFixture.submit(bid, lots: lots, by: bidder))
    }

    /// Members A and B, consortium {A, B} led by A, and tender `tender` open for bids.
    static func membersConsortiumAndTender(_ tender: UUID, on service: ApplicationService) async throws {
        try await register(Fixture.a, kvk: kvk[0], on: service)
        try await register(Fixture.b, kvk: kvk[1], name: "Joep Houben", on: service)
        try await formConsortium(Fixture.consortiumAB, lead: Fixture.a, members: [Fixture.a, Fixture.b], on: service)
        try await publishTender(tender, on: service)
    }
}

/// The error `body` throws, or nil.
func thrownError(_ body: () async throws -> Void) async -> (any Error)? {
    do { try await body(); return nil } catch { return error }
}
