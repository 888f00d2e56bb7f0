import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

/// YouRegion: register cross-border work, record its A1 certificate, end it (staff); the
/// register's counts and registrations (programme readers). A registration's member id is
/// shown only to callers who may see that member's personal data.
struct CrossBorderRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("registerCrossBorderWork", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try CommandResponder.createdID(try j.optional("assignmentId"), field: "assignmentId", request: request, context: context)
            let work = RegisterCrossBorderWork(
                assignmentId: id, memberId: try j.required("memberId"), residenceCountry: try j.required("residenceCountry"),
                workCountry: try j.required("workCountry"), emrRegion: try j.required("emrRegion"),
                clientKind: try j.required("clientKind"), clientCountry: try j.optional("clientCountry"),
                startsOn: try j.required("startsOn"), endsOn: try j.required("endsOn"), sbiActivity: try j.required("sbiActivity"),
                socialSecurityBasis: try j.required("socialSecurityBasis"))
            return try await commands.run(CrossBorderDecider.self, stream: CrossBorderDecider.streamId(id), command: .register(work),
                                          request: request, context: context, created: true,
                                          extra: ["assignmentId": id.uuidString.lowercased()])
        }
        router.operation("recordA1Certificate", tokens: tokens) { request, context in
            let id = try context.uuid("assignmentId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(CrossBorderDecider.self, stream: CrossBorderDecider.streamId(id), command: .recordA1(
                status: try j.required("status"), issuer: try j.optional("issuer"), validFrom: try j.optional("validFrom"),
                validUntil: try j.optional("validUntil")), request: request, context: context)
        }
        router.operation("endCrossBorderWork", tokens: tokens) { request, context in
            let id = try context.uuid("assignmentId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(CrossBorderDecider.self, stream: CrossBorderDecider.streamId(id), command: .end(
                endedOn: try j.optional("endedOn") ?? runtime.today, reason: try j.optional("reason")),
                request: request, context: context)
        }
        router.operation("youRegionCounts", tokens: tokens) { request, context in
            let rawDimension = request.queryString("by") ?? YouRegionRegister.Dimension.allCases[0].rawValue
            guard let dimension = YouRegionRegister.Dimension(rawValue: rawDimension) else {
                throw Problem.badRequest("query parameter 'by' must be one of \(YouRegionRegister.Dimension.allCases.map(\.rawValue).joined(separator: ", "))",
                                         field: "by", rule: "enum", value: rawDimension)
            }
            let period = request.queryString("period")
            let (counts, position) = try await queries.read("youregion-register", request: request) { db in
                try YouRegionRegister.counts(db, by: dimension, period: period)
            }
            return try JSONResponse.make(["by": dimension.rawValue, "counts": counts.map { ["key": $0.0, "count": $0.1] as [String: Any] }],
                                         headers: [.fabriekPosition: "\(position)"])
        }
        router.operation("youRegionRegistrations", tokens: tokens) { request, context in
            let filter = YouRegionRegister.Filter(direction: request.queryString("direction"), workCountry: request.queryString("workCountry"),
                                                  region: request.queryString("region"), period: request.queryString("period"))
            let limit = try request.queryInt("limit", default: 50, range: 1...500)
            let offset = try request.queryInt("offset", default: 0, range: 0...1_000_000)
            let (found, position) = try await queries.read("youregion-register", request: request) { db in
                try YouRegionRegister.registrations(db, filter, limit: limit, offset: offset)
            }
            let caller = try context.caller
            let shown: [[String: Any]] = found.map { r in
                var row = JSONResponse.plain(r) as? [String: Any] ?? [:]
                if !(UUID(uuidString: r.memberId).map(caller.maySeePersonalData(of:)) ?? false) { row["memberId"] = nil }
                return row
            }
            return try JSONResponse.make(["registrations": shown, "limit": limit, "offset": offset],
                                         headers: [.fabriekPosition: "\(position)"])
        }
    }
}
