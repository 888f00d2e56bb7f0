import EventLog
import Events
import Fabriek
import Foundation
import Hummingbird
import Projections

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
        let dashboards = SharedComputation<ProgrammeDashboard>()
        router.operation("programmeKPIs", tokens: tokens) { request, context in
            // Every KPI is computed (and suppressed) from the whole read model once per
            // checkpoint, shared by the requests that wait for it; each filter's answer is then
            // kept in the response cache until the checkpoint moves.
            let filter = try ProgrammeDashboard.Filter(request)
            let geography = runtime.reference.maastricht
            return try await queries.cached("programmeKPIs", projection: "programme-kpis", parameters: filter, request: request) {
                let served = try runtime.runner.served("programme-kpis")
                let (dashboard, position) = try await dashboards.value(for: served) {
                    try await runtime.runner.readAtPosition("programme-kpis") { db, position in
                        (try ProgrammeDashboard(db, position: position, geography: geography), position)
                    }
                }
                return (.init(body: try dashboard.body(filter)), position)
            }
        }
        router.operation("projectionStatus", tokens: tokens) { _, _ in
            try JSONResponse.make(["projections": runtime.runner.status(), "head": runtime.log.head().position])
        }
    }
}
