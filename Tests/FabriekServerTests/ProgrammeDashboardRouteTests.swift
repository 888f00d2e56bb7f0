import EventLog
import Fabriek
@testable import FabriekServer
import Foundation
import Projections
import Testing

/// `GET /api/v1/programme/kpis`: the dashboard-shaped answer (per KPI its code, name, target,
/// realised value and quarters), the detailed cells behind `kpi`/`period` filters with paging,
/// as documented in openapi.json, and only ever the published cells of the report of the same
/// position (so suppression holds in every part of it).
@Suite(.serialized) struct ProgrammeDashboardRouteTests {
    /// The register, a goal for FAC-1 and a training, through the API.
    private static func seed(_ h: ServerHarness) async throws -> String {
        let goal = try await h.call("PUT", "/api/v1/goals/FAC-1/programme", role: .coordinator,
                                    body: #"{"focusArea": "faciliterend", "startsOn": "2026-01-01", "endsOn": "2028-12-31", "targetValue": 250}"#)
        #expect(goal.status == 200 || goal.status == 201, "\(goal.text)")
        let training = try await h.call("POST", "/api/v1/activities", role: .coordinator, body: ServerHarness.trainingBody(UUID()))
        #expect(training.status == 201, "\(training.text)")
        return try #require(training.header("Fabriek-Position"))
    }

    @Test("given a register with a goal, when the municipality reads the KPIs, then each KPI has its code, name, target, realised value and a value per quarter, as documented, and no cells")
    func dashboardShape() async throws {
        try await ServerHarness.run { h in
            let position = try await Self.seed(h)
            let reply = try await h.call("GET", "/api/v1/programme/kpis?minPosition=\(position)", role: .municipality)
            #expect(reply.status == 200, "\(reply.text)")
            let json = reply.json
            #expect(try OpenAPISchemaCheck().problems(json, schema: "ProgrammeKPIs") == [])
            #expect(json["cells"] == nil)
            let kpis = try #require(json["kpis"] as? [[String: Any]])
            #expect(kpis.map { $0["code"] as? String } == KPIDefinitions.all.map(\.code))
            let quarters = try #require(json["quarters"] as? [String])
            #expect(quarters.contains("2026-Q1"))

            let at = try #require(json["position"] as? Int)
            #expect(reply.header("Fabriek-Position") == "\(at)")
            let report = try ProgrammeReportBuilder(log: h.runtime.log, geography: h.runtime.reference.maastricht, vault: h.runtime.vault)
                .report(asOf: UInt64(at))
            let fac1 = try #require(kpis.first { $0["code"] as? String == "FAC-1" })
            #expect(fac1["name"] as? String == ReportLabels.kpi("FAC-1"))
            #expect((fac1["realised"] as? [String: Any])?["display"] as? String == report.cell("FAC-1")?.displayValue)
            #expect((fac1["target"] as? [String: Any])?["targetValue"] as? Int == 250)
            for kpi in kpis {
                let code = kpi["code"] as? String ?? ""
                let perQuarter = try #require(kpi["quarters"] as? [[String: Any]])
                #expect(perQuarter.map { $0["period"] as? String } == quarters)
                for q in perQuarter {
                    let expected = report.cell(code, period: q["period"] as? String ?? "")?.displayValue ?? "–"
                    #expect(q["display"] as? String == expected, "\(code) \(q)")
                }
            }
        }
    }

    @Test("given a register, when the cells are read KPI by KPI in pages, then they are exactly the published cells of the report at the same position, a suppressed one shows x and 0 with neither basis nor events, and bad filters are 400")
    func cellsBehindFilters() async throws {
        try await ServerHarness.run { h in
            let position = try await Self.seed(h)
            var shown: [String: [String: Any]] = [:]
            var at = 0
            for d in KPIDefinitions.all {
                let reply = try await h.call("GET", "/api/v1/programme/kpis?kpi=\(d.code)&limit=1000&minPosition=\(position)", role: .auditor)
                #expect(reply.status == 200, "\(reply.text)")
                #expect(try OpenAPISchemaCheck().problems(reply.json, schema: "ProgrammeKPIs") == [])
                #expect((reply.json["kpis"] as? [[String: Any]])?.map { $0["code"] as? String } == [d.code])
                at = reply.json["position"] as? Int ?? 0
                for cell in reply.json["cells"] as? [[String: Any]] ?? [] {
                    #expect(cell["kpi"] as? String == d.code)
                    #expect(Set(cell.keys).isSubset(of: ["kpi", "period", "breakdown", "label", "unit", "value", "scale", "display", "suppressed", "incomplete"]),
                            "\(cell.keys.sorted())")
                    shown["\(d.code)|\(cell["period"] as? String ?? "")|\(cell["breakdown"] as? String ?? "")"] = cell
                }
            }
            let report = try ProgrammeReportBuilder(log: h.runtime.log, geography: h.runtime.reference.maastricht, vault: h.runtime.vault)
                .report(asOf: UInt64(at))
            #expect(Set(shown.keys) == Set(report.cells.map { "\($0.kpi)|\($0.period)|\($0.breakdown)" }))
            for c in report.cells {
                let cell = try #require(shown["\(c.kpi)|\(c.period)|\(c.breakdown)"])
                #expect(cell["display"] as? String == c.displayValue && cell["suppressed"] as? Bool == c.suppressed, "\(c.kpi) \(c.breakdown)")
                #expect(cell["value"] as? Int == Int(c.value))
            }
            let suppressed = report.cells.filter(\.suppressed)
            #expect(!suppressed.isEmpty, "two members: the breakdowns of small totals are hidden")
            for c in suppressed {
                let cell = try #require(shown["\(c.kpi)|\(c.period)|\(c.breakdown)"])
                #expect(cell["value"] as? Int == 0 && cell["display"] as? String == "x")
            }

            // a page of one KPI's cells
            let all = try await h.call("GET", "/api/v1/programme/kpis?kpi=SOC-1&period=programme", role: .auditor)
            let page = try await h.call("GET", "/api/v1/programme/kpis?period=programme&kpi=SOC-1&limit=1&offset=1", role: .auditor)
            let allCells = try #require(all.json["cells"] as? [[String: Any]])
            #expect(allCells.count >= 2 && allCells.allSatisfy { $0["period"] as? String == "programme" })
            #expect(page.json["total"] as? Int == allCells.count)
            #expect((page.json["cells"] as? [[String: Any]])?.map { $0["breakdown"] as? String } == [allCells[1]["breakdown"] as? String])

            let badKPI = try await h.call("GET", "/api/v1/programme/kpis?kpi=XYZ-9", role: .auditor)
            #expect(badKPI.status == 400 && badKPI.json["field"] as? String == "kpi", "\(badKPI.text)")
            let badPeriod = try await h.call("GET", "/api/v1/programme/kpis?period=last-year", role: .auditor)
            #expect(badPeriod.status == 400 && badPeriod.json["field"] as? String == "period", "\(badPeriod.text)")
        }
    }
}
