import Foundation
import GRDB
import Testing
@testable import Projections

@Suite struct ProgrammeKPITests {
    func cells() async throws -> (TestStore, [KPICell], DatabaseQueue) {
        let (store, log) = try await FixedHistory.makeLog()
        let db = try InMemoryFold.run(ProgrammeKPIProjector(geography: T.geography, vault: nil), log: log)
        return (store, try db.now { try ProgrammeKPIs.cells($0) }, db)
    }

    @Test func everyKPIOfTheProgrammeIsComputed() async throws {
        let (store, cells, _) = try await cells()
        defer { store.remove() }
        let codes = Set(cells.map(\.kpi))
        #expect(codes == ["SOC-1", "COM-1", "COM-2", "OPD-1", "OPD-2", "OPD-4", "LER-1", "LER-2", "ONT-1", "ONT-3", "VER-1", "VER-3", "FAC-1"])
        #expect(Set(cells.map(\.period)) == ["2026-Q1", "2026-Q2", "2026-Q3", "programme"])
    }

    @Test func valuesOnTheFixedHistory() async throws {
        // The values as computed, before suppression.
        let (store, published, db) = try await cells()
        defer { store.remove() }
        let cells = try db.now { try KPIDefinitions.compute($0, periods: try KPIDefinitions.periods($0), suppress: false) }
        func v(_ kpi: String, _ period: String = "programme", _ b: String = "") -> Int64? {
            cells.first { $0.kpi == kpi && $0.period == period && $0.breakdown == b }?.value
        }
        // Stock: 6 active now (member 6 ended, member 7 erased in Q3); 8 at the end of Q2.
        #expect(v("SOC-1") == 6 && v("SOC-1", "2026-Q3") == 6 && v("SOC-1", "2026-Q2") == 8 && v("SOC-1", "2026-Q1") == 6)
        #expect(v("FAC-1") == 6 && v("FAC-1", "programme", "measure=verifiedShare") == 500)
        // 6 of 10,000 is 0.06%, shown with one decimal as 0.1%.
        #expect(v("FAC-1", "programme", "measure=shareOfMaastrichtFreelancers") == 1)
        #expect(v("COM-1") == 37_000_00 && v("COM-2") == 1)
        #expect(v("OPD-1") == 2 && v("OPD-1", "2026-Q1") == 1 && v("OPD-1", "2026-Q2") == 1)
        #expect(v("OPD-2") == 3)
        #expect(v("OPD-4") == 500)
        #expect(published.first { $0.kpi == "OPD-4" && $0.period == "programme" && $0.breakdown == "measure=awardedLots" }?.suppressed == true)
        #expect(v("LER-1") == 55 && v("LER-2") == 1)
        #expect(v("ONT-1") == 2 && v("ONT-1", "programme", "measure=attendance") == 11 && v("ONT-1", "programme", "measure=uniqueAttendees") == 6)
        #expect(v("ONT-3") == 2)
        #expect(v("VER-1") == 1 && v("VER-3") == 3)
    }

    @Test func evidenceTracesEachValueToItsEvents() async throws {
        // Given the KPI values of the fixed history written to the audit trail
        let (store, cells, db) = try await cells()
        defer { store.remove() }
        try db.nowWrite { try ProgrammeKPIs.materialize(cells, in: $0) }
        // Then OPD-1 for the programme is traced to exactly the two TenderPublished events.
        let ids = try db.now {
            try String.fetchAll($0, sql: "SELECT event_id FROM kpi_evidence WHERE kpi = 'OPD-1' AND period = 'programme' AND breakdown = '' ORDER BY 1")
        }
        #expect(ids.count == 2)
        let log = try store.openLog(readOnly: true)
        var types: [String] = []
        try log.forEachEvent(from: 1) { e in if ids.contains(e.idText) { types.append(e.type) } }
        #expect(types == ["TenderPublished", "TenderPublished"])
        // And target-group cells carry no evidence (it would identify the members).
        #expect(cells.filter { $0.breakdown.contains("targetGroup") }.allSatisfy { $0.evidence.isEmpty })
    }
}
