import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// `/api/v1/members`: register, search, read one member, the member's own changes (profile,
/// skills, rate, availability, target groups with consent), staff's decisions (registry
/// verification, end of membership, erasure), and a member's bids and consortia.
struct MemberRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("registerMember", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let memberId: UUID = try CommandResponder.createdID(try j.optional("memberId"), field: "memberId", request: request, context: context)
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
        router.operation("verifyRegistry", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id), command: .verifyRegistry(
                try j.required("registryId"), source: try j.optional("source")), request: request, context: context)
        }
        router.operation("declareTargetGroups", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let j = try await RequestBody.object(request, context: context)
            let consentId: UUID = try CommandResponder.createdID(try j.optional("consentId"), field: "consentId", request: request, context: context)
            let details = TargetGroupDetails(groups: try j.array("groups"), ageBand: try j.optional("ageBand"))
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id),
                                          command: .declareTargetGroups(consentId: consentId, details: details),
                                          request: request, context: context,
                                          extra: ["consentId": consentId.uuidString.lowercased()])
        }
        router.operation("withdrawTargetGroups", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let consentId = try context.uuid("consentId")
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id),
                                          command: .withdrawTargetGroups(consentId: consentId), request: request, context: context)
        }
        router.operation("eraseMember", tokens: tokens) { request, context in
            // The reason (legal ground) is required: erasure cannot be undone.
            let id = try context.uuid("memberId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(MemberDecider.self, stream: MemberDecider.streamId(id),
                                          command: .erase(reason: try j.required("reason")), request: request, context: context)
        }
        router.operation("memberBids", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            try context.requireActing(for: id)
            let (bids, position) = try await queries.read("consortia-and-bids", request: request) { db in
                try Consortia.bids(db, ofMember: id)
            }
            return try JSONResponse.make(["memberId": id.uuidString.lowercased(), "bids": bids],
                                         headers: [.fabriekPosition: "\(position)"])
        }
        router.operation("memberConsortia", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            let (consortia, position) = try await queries.read("consortia-and-bids", request: request) { db in
                try Consortia.consortia(db, ofMember: id)
            }
            return try JSONResponse.make(["memberId": id.uuidString.lowercased(), "consortia": consortia],
                                         headers: [.fabriekPosition: "\(position)"])
        }
        router.operation("searchMembers", tokens: tokens) { request, context in
            let rateBand = try request.queryString("rateBand").map { (raw: String) throws -> RateBand in
                guard let band = RateBand(rawValue: raw) else {
                    throw Problem.badRequest("query parameter 'rateBand' must be one of \(RateBand.allCases.map(\.rawValue).joined(separator: ", "))",
                                             field: "rateBand", rule: "enum", value: raw)
                }
                return band
            }
            let includeInactive = request.queryString("includeInactive")
            guard [nil, "true", "false"].contains(includeInactive) else {
                throw Problem.badRequest("query parameter 'includeInactive' must be true or false", field: "includeInactive",
                                         rule: "boolean", value: includeInactive)
            }
            let query = MemberDirectory.Query(
                text: request.queryString("q"), buurt: request.queryString("buurt"), wijk: request.queryString("wijk"),
                country: request.queryString("country"), availability: request.queryString("availability"),
                rateBand: rateBand, includeInactive: includeInactive == "true",
                limit: try request.queryInt("limit", default: 20, range: 1...100),
                offset: try request.queryInt("offset", default: 0, range: 0...1_000_000))
            return try await queries.cached("searchMembers", projection: "member-directory", parameters: query, request: request) { db, _ in
                let page = try MemberDirectory.search(db, query)
                return .init(body: try JSONResponse.body(["total": page.total, "members": page.listings, "limit": query.limit,
                                                          "offset": query.offset]))
            }
        }
        router.operation("getMember", tokens: tokens) { request, context in
            let id = try context.uuid("memberId")
            // The representation reflects the stream's last event: wait for it in the read model.
            // Version and last position come from the log's stream index (no event read).
            let (version, last) = runtime.log.streamHead(MemberDecider.streamId(id))
            let personal = try context.caller.maySeePersonalData(of: id)
            let (log, vault) = (runtime.log, runtime.vault)
            return try await queries.cached("getMember", projection: "member-directory", parameters: id,
                                            visibility: personal ? .personal : .public, request: request, atLeast: last,
                                            headers: [.eTag: "\"\(version)\""]) { db, _ in
                guard let listing = try MemberDirectory.member(db, id: id) else {
                    throw Problem.notFound("no member \(id.uuidString.lowercased()) in the register")
                }
                // Never the personal fields of a member the read model shows erased (its key may
                // still be in the vault for a moment after the erasure was committed).
                guard personal, listing.status != "erased",
                      let details = try MemberDirectory.personalDetails(of: id, log: log, vault: vault) else {
                    return .init(body: try JSONResponse.body(listing))
                }
                var body = JSONResponse.plain(listing) as? [String: Any] ?? [:]
                body["personal"] = JSONResponse.plain(details)
                return .init(body: try JSONResponse.body(body))
            }
        }
    }
}
