import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections
import Synchronization

/// Programme activities (and the training hours members followed), goals, the KPI read model
/// and the projections' status.
struct ProgrammeRoutes {
    let runtime: ServerRuntime
    var commands: CommandResponder { CommandResponder(runtime: runtime) }
    var queries: QueryResponder { QueryResponder(runtime: runtime) }

    func register(on router: Router<FabriekContext>) {
        let tokens = runtime.tokens
        router.operation("holdActivity", tokens: tokens) { request, context in
            let j = try await RequestBody.object(request, context: context)
            let id: UUID = try CommandResponder.createdID(try j.optional("activityId"), field: "activityId", request: request, context: context)
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
        router.operation("recordTrainingHours", tokens: tokens) { request, context in
            let id = try context.uuid("activityId")
            let j = try await RequestBody.object(request, context: context)
            return try await commands.run(ActivityDecider.self, stream: ActivityDecider.streamId(id), command: .recordTrainingHours(
                memberId: try j.required("memberId"), durationMinutes: try j.required("durationMinutes")),
                request: request, context: context)
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
