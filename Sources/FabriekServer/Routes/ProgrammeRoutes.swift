import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections
import Synchronization

/// Consortia, cross-border work, activities, goals, and the programme's read models.
struct ProgrammeRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("formConsortium", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try j.optional("consortiumId") ?? UUID()
            let form = FormConsortium(consortiumId: id, name: try j.required("name"), scope: try j.optional("scope") ?? .standing,
                                      tenderId: try j.optional("tenderId"), lead: try j.optional("lead"),
                                      members: try j.array("members"))
            return try await commands.run(ConsortiumDecider.self, stream: ConsortiumDecider.streamId(id), command: .form(form),
                                          request: request, context: context, created: true,
                                          extra: ["consortiumId": id.uuidString.lowercased()])
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
        router.operation("registerCrossBorderWork", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try j.optional("assignmentId") ?? UUID()
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
        router.operation("holdActivity", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try j.optional("activityId") ?? UUID()
            let hold = HoldActivity(
                activityId: id, title: try j.required("title"), focusAreas: try j.array("focusAreas"),
                activityType: try j.required("activityType"), heldOn: try j.required("heldOn"),
                durationMinutes: try j.required("durationMinutes"), buurt: try j.optional("buurt"),
                attendingMemberIds: try j.array("attendingMemberIds"),
                externalAttendeeCount: try j.optional("externalAttendeeCount") ?? 0, partners: try j.array("partners"),
                crossBorder: try j.optional("crossBorder") ?? false)
            return try await commands.run(ActivityDecider.self, stream: ActivityDecider.streamId(id), command: .hold(hold),
                                          request: request, context: context, created: true,
                                          extra: ["activityId": id.uuidString.lowercased()])
        }
        router.operation("setGoal", tokens: tokens) { request, context in
            guard let kpi = context.parameters.get("kpiCode"), let period = context.parameters.get("period") else {
                throw Problem.badRequest("the path needs a KPI code and a period", field: "kpiCode", rule: "required")
            }
            let j = try await RequestBody.object(request, context: context)
            let goal = SetGoal(focusArea: try j.required("focusArea"), kpiCode: kpi, period: period,
                               startsOn: try j.required("startsOn"), endsOn: try j.required("endsOn"),
                               targetValue: try j.required("targetValue"), scale: try j.optional("scale") ?? 0)
            return try await commands.run(GoalDecider.self, stream: GoalDecider.streamId(kpiCode: kpi, period: period),
                                          command: .set(goal), request: request, context: context)
        }
        let kpis = PositionCache()
        router.operation("programmeKPIs", tokens: tokens) { request, context in
            // Every cell is computed from the whole read model: once per checkpoint, not per request.
            let (body, position) = try await queries.readAtPosition("programme-kpis", request: request) { db, position in
                try kpis.value(at: position) {
                    try JSONResponse.body(["cells": try ProgrammeKPIs.cells(db), "goals": try ProgrammeKPIs.goals(db)])
                }
            }
            return JSONResponse.make(body: body, headers: [.fabriekPosition: "\(position)"])
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
        router.operation("projectionStatus", tokens: tokens) { _, _ in
            try JSONResponse.make(["projections": runtime.runner.status(), "head": runtime.log.head().position])
        }
    }
}

/// The last encoded answer of a query whose result depends only on its read model's
/// checkpoint: computed again only when the checkpoint moved.
final class PositionCache: Sendable {
    private let last = Mutex<(position: UInt64, body: ByteBuffer)?>(nil)

    /// The body at `position`, from `compute` when the cached one is of another position.
    func value(at position: UInt64, _ compute: () throws -> ByteBuffer) rethrows -> ByteBuffer {
        if let hit = last.withLock({ $0?.position == position ? $0?.body : nil }) { return hit }
        let body = try compute()
        last.withLock { current in
            if (current?.position ?? 0) <= position { current = (position, body) }
        }
        return body
    }
}
