import EventLog
import FabriekReference
import Foundation
import GRDB
import Hummingbird
import Projections
import Synchronization

/// The programme's KPIs as the dashboard shows them (`GET /api/v1/programme/kpis`), from the
/// live read model: per KPI its code, focus area, Dutch name, unit, target, the realised value
/// for the programme and one value per quarter; the broken-down cells only behind filters
/// (`kpi`, `period`), a page at a time.
///
/// Every value shown is a published one: the small-count rule (`KPISuppression`, DOMAIN.md) is
/// applied to all cells of the read model together, exactly as for a report (same periods,
/// goals' periods included, same categories), before anything is picked, so any part of it
/// shows only cells of that one protected table and no hidden cell can be recovered from what
/// is shown. A suppressed cell shows `x` and the value 0; neither its basis nor the events it
/// counts appear in any answer.
///
/// Built once per checkpoint of the read model (`SharedComputation`): one pass over every KPI.
struct ProgrammeDashboard: Sendable {
    /// The read model's checkpoint the values reflect.
    let position: UInt64
    /// The quarters with facts, in time order.
    let quarters: [String]
    /// Every published cell (contributions dropped), sorted by KPI, period and breakdown.
    let cells: [KPICell]
    let goals: [ProgrammeKPIs.Goal]
    private let headlines: [String: KPICell]
    private let geography: MaastrichtGeography

    init(_ db: Database, position: UInt64, geography: MaastrichtGeography) throws {
        self.position = position
        self.geography = geography
        goals = try ProgrammeKPIs.goals(db)
        let periods = try ProgrammeKPIs.periods(db, goals: goals)
        quarters = periods.map(\.label).filter { $0.contains("-Q") }.sorted()
        cells = try KPIDefinitions.compute(db, periods: periods, categories: KPIDefinitions.categories(geography: geography)).map {
            var c = $0
            c.contributions = []
            return c
        }
        var headlines: [String: KPICell] = [:]
        for c in cells where c.breakdown.isEmpty { headlines["\(c.kpi)|\(c.period)"] = c }
        self.headlines = headlines
    }

    /// What a request may ask: one KPI, one period, and a page of the cells they select.
    struct Filter: Hashable, Sendable {
        var kpi: String?
        var period: String?
        var limit: Int
        var offset: Int

        /// The filter of `request`, or 400 naming the parameter.
        init(_ request: Request) throws {
            kpi = request.queryString("kpi")
            if let kpi, !KPIDefinitions.all.contains(where: { $0.code == kpi }) {
                throw Problem.badRequest("query parameter 'kpi' must be a KPI code: \(KPIDefinitions.all.map(\.code).joined(separator: ", "))",
                                         field: "kpi", rule: "enum", value: kpi)
            }
            period = request.queryString("period")
            if let period, KPIPeriod.goalPeriod(period) == nil {
                throw Problem.badRequest("query parameter 'period' must be a quarter (2021-Q3), a year (2021) or 'programme'",
                                         field: "period", rule: "period", value: period)
            }
            limit = try request.queryInt("limit", default: 100, range: 1...1000)
            offset = try request.queryInt("offset", default: 0, range: 0...10_000_000)
        }
    }

    /// The JSON answer for `filter`: `kpis` (only the asked one when `kpi` is given) and, when
    /// `kpi` or `period` is given, `cells` with `total`, `limit` and `offset`.
    func body(_ filter: Filter) throws -> ByteBuffer {
        var answer: [String: Any] = [
            "position": position, "quarters": quarters, "suppressionThreshold": KPISuppression.threshold,
            "kpis": KPIDefinitions.all.filter { filter.kpi == nil || $0.code == filter.kpi }.map(kpi),
        ]
        if filter.kpi != nil || filter.period != nil {
            let selected = cells.filter { (filter.kpi == nil || $0.kpi == filter.kpi) && (filter.period == nil || $0.period == filter.period) }
            answer["total"] = selected.count
            answer["limit"] = filter.limit
            answer["offset"] = filter.offset
            answer["cells"] = selected.dropFirst(filter.offset).prefix(filter.limit).map { c -> [String: Any] in
                var o = value(c)
                o["kpi"] = c.kpi
                o["period"] = c.period
                o["breakdown"] = c.breakdown
                o["label"] = ReportLabels.breakdown(c.breakdown, geography: geography)
                o["unit"] = c.unit.rawValue
                return o
            }
        }
        return try JSONResponse.body(answer)
    }

    /// One KPI as the dashboard shows it.
    private func kpi(_ d: KPIDefinitions.Definition) -> [String: Any] {
        let realised = headlines["\(d.code)|programme"]
        let unit = realised?.unit ?? headlines.values.first { $0.kpi == d.code }?.unit
        let goals = self.goals.filter { $0.kpi == d.code }
        let target = goals.first { $0.period == "programme" } ?? goals.first
        var o: [String: Any] = [
            "code": d.code, "focusArea": d.focusArea, "name": ReportLabels.kpi(d.code),
            "realised": realised.map(value) ?? NSNull(),
            "target": target.map { goal($0, unit: unit) } ?? NSNull(),
            "goals": goals.map { goal($0, unit: unit) },
            "quarters": quarters.map { q -> [String: Any] in
                var o: [String: Any] = headlines["\(d.code)|\(q)"].map(value) ?? ["value": NSNull(), "display": "–", "suppressed": false]
                o["period"] = q
                return o
            },
        ]
        if let unit { o["unit"] = unit.rawValue }
        return o
    }

    /// A published value: never a suppressed cell's basis or events.
    private func value(_ c: KPICell) -> [String: Any] {
        var o: [String: Any] = ["value": c.value, "scale": Int64(c.scale), "display": c.displayValue, "suppressed": c.suppressed]
        if c.incomplete { o["incomplete"] = true }
        return o
    }

    private func goal(_ g: ProgrammeKPIs.Goal, unit: KPICell.Unit?) -> [String: Any] {
        let target = KPICell(kpi: g.kpi, period: g.period, value: g.target, scale: g.scale, unit: unit)
        return ["period": g.period, "targetValue": g.target, "scale": Int64(g.scale), "display": target.displayValue]
    }
}

/// One computation shared by every request that needs it: while a value for a checkpoint is
/// being computed, later requests for that checkpoint (or an earlier one of the same file)
/// wait for it instead of computing it again; a computed value is kept until the projection
/// serves another checkpoint. A failed computation is forgotten, so the next request tries
/// again.
final class SharedComputation<Value: Sendable>: Sendable {
    private let current = Mutex<(served: ServedCheckpoint, task: Task<(Value, UInt64), any Error>)?>(nil)

    /// The value for `served` (or for a later checkpoint of the same file, computed or being
    /// computed), and the checkpoint it reflects. `compute` returns that checkpoint, at least
    /// `served.position`.
    func value(for served: ServedCheckpoint,
               _ compute: @escaping @Sendable () async throws -> (Value, UInt64)) async throws -> (Value, UInt64) {
        let task = current.withLock { c -> Task<(Value, UInt64), any Error> in
            if let c, c.served.file == served.file, c.served.position >= served.position { return c.task }
            let task = Task { try await compute() }
            c = (served, task)
            return task
        }
        do {
            return try await task.value
        } catch {
            current.withLock { c in if c?.served == served { c = nil } }
            throw error
        }
    }
}
