import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// `/api/v1/consortia`: form a consortium, change its composition (add or remove a member,
/// change the lead, dissolve; refused while it has a live bid, invariant 6) and read one.
/// Staff decide on consortia; a member reads them.
struct ConsortiumRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("formConsortium", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try CommandResponder.createdID(try j.optional("consortiumId"), field: "consortiumId", request: request, context: context)
            let form = FormConsortium(consortiumId: id, name: try j.required("name"), scope: try j.optional("scope") ?? .standing,
                                      tenderId: try j.optional("tenderId"), lead: try j.optional("lead"),
                                      members: try j.array("members"))
            return try await commands.run(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id), command: .form(form),
                                          request: request, context: context, created: true,
                                          extra: ["consortiumId": id.uuidString.lowercased()])
        }
        router.operation("addConsortiumMember", tokens: tokens) { request, context in
            let id = try context.uuid("consortiumId")
            let j = try await RequestBody.object(request, context: context)
            let membership = ConsortiumMembership(memberId: try j.required("memberId"),
                                                  acceptedJointLiability: try j.required("acceptedJointLiability"),
                                                  acceptedAt: try j.optional("acceptedAt") ?? runtime.clock.now())
            return try await commands.run(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id),
                                          command: .addMember(membership), request: request, context: context)
        }
        router.operation("removeConsortiumMember", tokens: tokens) { request, context in
            let id = try context.uuid("consortiumId")
            let member = try context.uuid("memberId")
            return try await commands.run(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id),
                                          command: .removeMember(member, reason: request.queryString("reason")),
                                          request: request, context: context)
        }
        router.operation("changeConsortiumLead", tokens: tokens) { request, context in
            let id = try context.uuid("consortiumId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id),
                                          command: .changeLead(try j.required("memberId")), request: request, context: context)
        }
        router.operation("dissolveConsortium", tokens: tokens) { request, context in
            let id = try context.uuid("consortiumId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id),
                                          command: .dissolve(reason: try j.optional("reason")), request: request, context: context)
        }
        router.operation("getConsortium", tokens: tokens) { request, context in
            let id = try context.uuid("consortiumId")
            let stream = ConsortiumDecider.streamId(id)
            let version = runtime.log.streamVersion(stream)
            let last = try runtime.log.readStream(stream, direction: .backward, maxCount: 1).first?.position
            let key = id.uuidString.lowercased()
            let (found, position) = try await queries.read("consortia-and-bids", request: request, atLeast: last) { db in
                try Consortia.consortium(db, id: key)
            }
            guard let found else { throw Problem.notFound("no consortium \(key)") }
            return try JSONResponse.make(found, headers: [.fabriekPosition: "\(position)", .eTag: "\"\(version)\""])
        }
    }
}
