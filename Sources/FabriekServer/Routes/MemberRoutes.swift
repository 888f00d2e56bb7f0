import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// `/api/v1/members`: register, search, read one member, and the member's own changes.
struct MemberRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("registerMember", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let memberId: UUID = try j.optional("memberId") ?? UUID()
            let command = RegisterMember(
                memberId: memberId, kind: try j.required("kind"), residenceCountry: try j.required("residenceCountry"),
                personal: try j.required("personal"), tradeName: try j.optional("tradeName"),
                registryIds: try j.array("registryIds"), vatId: try j.optional("vatId"), buurt: try j.optional("buurt"),
                sbiCodes: try j.array("sbiCodes"), joinedOn: try j.optional("joinedOn") ?? runtime.today)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(memberId),
                                          command: .register(command), request: request, context: context, created: true,
                                          extra: ["memberId": memberId.uuidString.lowercased()])
        }
        router.operation("updateProfile", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id), command: .updateProfile(
                headline: try j.optional("headline"), description: try j.optional("description"), languages: try j.array("languages"),
                serviceBuurten: try j.array("serviceBuurten"), serviceRadiusKm: try j.optional("serviceRadiusKm"),
                serviceCountries: try j.array("serviceCountries")), request: request, context: context)
        }
        router.operation("declareSkills", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id), command: .declareSkills(
                skills: try j.array("skills"), cpvInterests: try j.array("cpvInterests")), request: request, context: context)
        }
        router.operation("setRate", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id), command: .setRate(
                unit: try j.required("unit"), amountCents: try j.required("amountCents")), request: request, context: context)
        }
        router.operation("changeAvailability", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id), command: .changeAvailability(
                try j.required("availability"), hoursPerWeek: try j.optional("hoursPerWeek"),
                effectiveFrom: try j.optional("effectiveFrom"), effectiveUntil: try j.optional("effectiveUntil")),
                request: request, context: context)
        }
        router.operation("endMembership", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id), command: .endMembership(
                reason: try j.required("reason"), endedOn: try j.optional("endedOn") ?? runtime.today),
                request: request, context: context)
        }
        router.operation("searchMembers", tokens: tokens) { request, context in
            let query = MemberDirectory.Query(
                text: request.queryString("q"), buurt: request.queryString("buurt"), wijk: request.queryString("wijk"),
                country: request.queryString("country"), availability: request.queryString("availability"),
                limit: try request.queryInt("limit", default: 20, range: 1...100),
                offset: try request.queryInt("offset", default: 0, range: 0...1_000_000))
            let (page, position) = try await queries.read("member-directory", request: request) { db in
                try MemberDirectory.search(db, query)
            }
            return try JSONResponse.make(["total": page.total, "members": page.listings, "limit": query.limit, "offset": query.offset],
                                         headers: [.fabriekPosition: "\(position)"])
        }
        router.operation("getMember", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            let stream = MemberDecider.streamId(id)
            let version = runtime.log.streamVersion(stream)
            // The representation reflects the stream's last event: wait for it in the read model.
            let last = try runtime.log.readStream(stream, direction: .backward, maxCount: 1).first?.position
            let (listing, position) = try await queries.read("member-directory", request: request, atLeast: last) { db in
                try MemberDirectory.member(db, id: id)
            }
            guard let listing else { throw Problem.notFound("no member \(id.uuidString.lowercased()) in the register") }
            let headers: HTTPFields = [.fabriekPosition: "\(position)", .eTag: "\"\(version)\""]
            guard try context.caller.maySeePersonalData(of: id),
                  let personal = try MemberDirectory.personalDetails(of: id, log: runtime.log, vault: runtime.vault) else {
                return try JSONResponse.make(listing, headers: headers)
            }
            var body = JSONResponse.plain(listing) as? [String: Any] ?? [:]
            body["personal"] = JSONResponse.plain(personal)
            return try JSONResponse.make(body, headers: headers)
        }
    }
}
