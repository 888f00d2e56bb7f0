import EventLog
import Events
import Fabriek
import FabriekDemo
import FabriekReference
import PersonalData
import Foundation
import Testing
@testable import Projections

/// An attacker who knows how the cells of a published table relate and tries to recover each
/// hidden (`x`) cell from the shown ones. Written apart from `KPISuppression` (its own reading of
/// the relations, exact integer elimination), so that the two check each other.
///
/// Relations used: per KPI and period, the total is the sum of each category dimension's cells
/// (counts, euros, hours; a category absent from the table is a known 0); per flow KPI and
/// breakdown, the programme is the sum of the quarters and a year the sum of its quarters.
enum DifferenceAttacker {
    static let stockKPIs: Set<String> = ["SOC-1", "FAC-1"]

    /// The hidden cells whose value the shown cells determine.
    static func recover(_ cells: [KPICell]) -> [KPICell] {
        var index: [String: Int] = [:]
        for (i, c) in cells.enumerated() { index["\(c.kpi)|\(c.period)|\(c.breakdown)"] = i }
        func adds(_ c: KPICell) -> Bool { [.count, .euro, .hours].contains(c.unit) }
        var relations: [(Int, [Int])] = []
        // Totals versus categories.
        var dims: [String: [Int]] = [:]
        for (i, c) in cells.enumerated() {
            let pairs = c.breakdown.split(separator: ";")
            guard pairs.count == 1, let key = pairs.first?.split(separator: "=").first, key != "measure", key != "targetGroup" else { continue }
            dims["\(c.kpi)|\(c.period)|\(key)", default: []].append(i)
        }
        for (k, parts) in dims {
            let f = k.split(separator: "|").map(String.init)
            if let t = index["\(f[0])|\(f[1])|"], adds(cells[t]) { relations.append((t, parts)) }
        }
        // Programme and years versus quarters.
        var sums: [String: [Int]] = [:]
        for (i, c) in cells.enumerated() where !stockKPIs.contains(c.kpi) && adds(c) && c.period.count == 7 && c.period.contains("-Q") {
            sums["\(c.kpi)|programme|\(c.breakdown)", default: []].append(i)
            sums["\(c.kpi)|\(c.period.prefix(4))|\(c.breakdown)", default: []].append(i)
        }
        for (k, parts) in sums { if let t = index[k], adds(cells[t]) { relations.append((t, parts)) } }
        // Coefficients of the hidden cells (the shown ones are known numbers).
        var rows: [[Int: Int]] = relations.map { t, parts in
            var row: [Int: Int] = [:]
            if cells[t].suppressed { row[t, default: 0] += 1 }
            for p in parts where cells[p].suppressed { row[p, default: 0] -= 1 }
            return row.filter { $0.value != 0 }
        }.filter { !$0.isEmpty }
        // Fraction-free Gauss–Jordan: a hidden cell is determined when its pivot row holds it alone.
        var pivots: [(Int, Int)] = []
        var r = 0
        for col in Set(rows.flatMap(\.keys)).sorted() {
            guard let p = rows.indices.first(where: { $0 >= r && rows[$0][col] != nil }) else { continue }
            rows.swapAt(r, p)
            let a = rows[r][col]!
            for j in rows.indices where j != r {
                guard let b = rows[j][col] else { continue }
                var next: [Int: Int] = [:]
                for k in Set(rows[j].keys).union(rows[r].keys) {
                    let v = (rows[j][k] ?? 0) * a - (rows[r][k] ?? 0) * b
                    if v != 0 { next[k] = v }
                }
                let g = next.values.reduce(0) { gcd($0, abs($1)) }
                rows[j] = g > 1 ? next.mapValues { $0 / g } : next
            }
            pivots.append((col, r))
            r += 1
        }
        return pivots.filter { rows[$0.1].count == 1 }.map { cells[$0.0] }
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

@Suite struct SuppressionAttackTests {
    /// Every published table of both reports, at several positions, resists the attacker.
    func expectSafe(_ report: Report, sourceLocation: SourceLocation = #_sourceLocation) {
        let recovered = DifferenceAttacker.recover(report.cells).map { "\($0.kpi) \($0.period) \($0.breakdown)" }
        #expect(recovered == [], sourceLocation: sourceLocation)
        // A total under 5 that is shown hides all its breakdown cells.
        for total in report.cells where total.breakdown.isEmpty && total.basis > 0 && total.basis < 5 && !total.suppressed {
            let shown = report.cells.filter { $0.kpi == total.kpi && $0.period == total.period && !$0.breakdown.isEmpty && !$0.suppressed }
            #expect(shown.isEmpty, "\(total.kpi) \(total.period) total \(total.value) shows \(shown.map(\.breakdown))", sourceLocation: sourceLocation)
        }
    }

    @Test func fixedHistoryReportsResistTheAttacker() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        for position in [log.position(at: FixedHistory.endOfQ2), log.head().position] {
            expectSafe(try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: position))
            expectSafe(try YouRegionReportBuilder(log: log).report(asOf: position))
        }
    }

    @Test func generatedHistoryReportsResistTheAttacker() async throws {
        // Given the demo generator's small history (300 members, 2019–2021)
        let store = TestStore()
        defer { store.remove() }
        let generator = HistoryGenerator(seed: 7, scale: .small)
        let log = try EventLog.open(directory: store.logDirectory, options: .init(durability: .none, clock: generator.clock.logClock))
        let vault = try PersonalDataVault.open(directory: store.root, environment: ["FABRIEK_MASTER_KEY": String(repeating: "ab", count: 32)])
        _ = try await generator.run(on: try generator.makeService(log: log, vault: vault, reference: try ReferenceData.load()))
        // When the reports are computed at the end of each year, then no hidden cell can be recovered
        for year in 2019...2021 {
            let position = log.position(at: T.at(year, 12, 31, 719))
            let programme = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: vault).report(asOf: position)
            #expect(programme.suppressedCells.count > 0)
            expectSafe(programme)
            expectSafe(try YouRegionReportBuilder(log: log).report(asOf: position))
        }
    }

    @Test func aSmallTotalWithOneCategoryDoesNotGiveItAway() {
        // Given a quarter whose total is 1 and whose only registration went NL→BE (another
        // quarter shows NL→DE), and the programme column
        let cells = [
            KPICell(kpi: "YR-1", period: "2019-Q2", value: 1), KPICell(kpi: "YR-1", period: "2019-Q2", breakdown: "direction=NL→BE", value: 1),
            KPICell(kpi: "YR-1", period: "2019-Q3", value: 9), KPICell(kpi: "YR-1", period: "2019-Q3", breakdown: "direction=NL→DE", value: 9),
            KPICell(kpi: "YR-1", period: "programme", value: 10),
            KPICell(kpi: "YR-1", period: "programme", breakdown: "direction=NL→BE", value: 1),
            KPICell(kpi: "YR-1", period: "programme", breakdown: "direction=NL→DE", value: 9),
        ]
        // When suppression is applied
        let out = KPISuppression.apply(cells, categories: ["direction": ["BE/DE→NL", "NL→BE", "NL→DE", "other"]])
        // Then 2019-Q2 shows x for both directions of the table, not only the one present,
        let q2 = out.filter { $0.period == "2019-Q2" && !$0.breakdown.isEmpty }
        #expect(Set(q2.map(\.breakdown)) == ["direction=NL→BE", "direction=NL→DE"] && q2.allSatisfy(\.suppressed))
        // and neither the quarter nor the programme column lets the attacker recover a cell.
        #expect(DifferenceAttacker.recover(out).map(\.breakdown) == [])
        #expect(out.first { $0.period == "programme" && $0.breakdown.isEmpty }?.suppressed == false)
    }

    @Test func aHiddenQuarterIsNotRecoveredFromTheProgramme() {
        // Given OPD-1 for meervoudigOnderhands: 2 in Q1 (hidden), 7 in Q2, 9 in the programme
        let b = "procedure=meervoudigOnderhands", o = "procedure=europeesOpenbaar"
        let cells = [("2026-Q1", 8, 2, 6), ("2026-Q2", 13, 7, 6), ("programme", 21, 9, 12)].flatMap { p, total, m, e in
            [KPICell(kpi: "OPD-1", period: p, value: Int64(total)), KPICell(kpi: "OPD-1", period: p, breakdown: b, value: Int64(m)),
             KPICell(kpi: "OPD-1", period: p, breakdown: o, value: Int64(e))]
        }
        #expect(DifferenceAttacker.recover(cells.map(KPISuppression.apply)).count > 0)  // the primary rule alone leaks
        let out = KPISuppression.apply(cells)
        #expect(DifferenceAttacker.recover(out).map(\.breakdown) == [])
        #expect(out.filter { $0.breakdown.isEmpty }.allSatisfy { !$0.suppressed })
    }
}
