import Testing
@testable import Projections

@Suite struct SmallCountSuppressionTests {
    @Test func brokenDownCellsUnderFiveAreSuppressed() {
        // Given cells resting on 0, 1, 4 and 5 people
        let cells = [0, 1, 4, 5].map { KPICell(kpi: "SOC-1", period: "programme", breakdown: "wijk=WK093501", value: Int64($0)) }
        // When the rule is applied
        let shown = cells.map(KPISuppression.apply)
        // Then 1 and 4 are suppressed with value 0; 0 and 5 are shown.
        #expect(shown.map(\.suppressed) == [false, true, true, false])
        #expect(shown.map(\.value) == [0, 0, 0, 5])
        #expect(shown[1].displayValue == "x")
    }

    @Test func headlineTotalsAndShareBasesFollowTheRule() {
        #expect(!KPISuppression.apply(KPICell(kpi: "OPD-1", period: "programme", value: 2)).suppressed)
        // A share is judged by the count it rests on, not by its percentage.
        let share = KPICell(kpi: "SOC-1", period: "programme", breakdown: "measure=share;targetGroup=armoede", value: 500, scale: 1, basis: 3)
        #expect(KPISuppression.apply(share).suppressed)
    }

    @Test func fixedHistoryReportSuppressesSmallWijkCounts() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: log.head().position)
        // Three active members live in Centrum: suppressed. Six unique meetup attendees rest on
        // two meetups, a total under 5: hidden with the rest of that breakdown.
        #expect(report.cell("SOC-1", breakdown: "wijk=WK093500")?.suppressed == true)
        #expect(report.cell("ONT-1")?.value == 2 && report.cell("ONT-1", breakdown: "measure=uniqueAttendees")?.suppressed == true)
        #expect(report.suppressedCells.allSatisfy { c in c.value == 0 && !c.breakdown.isEmpty })
        #expect(ReportMarkdown.render(report).contains("### Onderdrukte cellen\n\n- "))
    }
}

@Suite struct SecondarySuppressionTests {
    @Test func aLoneSuppressedCellTakesTheSmallestShownOneWithIt() {
        // Given a total of 16 by country: NL 9, DE 5, BE 2
        let cells = [KPICell(kpi: "SOC-1", period: "programme", value: 16)] + [("NL", 9), ("DE", 5), ("BE", 2)].map {
            KPICell(kpi: "SOC-1", period: "programme", breakdown: "country=\($0.0)", value: $0.1)
        }
        // When suppression is applied
        let out = KPISuppression.apply(cells)
        // Then BE (2) is suppressed, and DE (5) too, so BE cannot be recovered as 16 − 9 − 5.
        #expect(out.map(\.suppressed) == [false, false, true, true])
        #expect(out[1].value == 9)
    }

    @Test func twoSuppressedCellsNeedNoMore() {
        let cells = [("NL", 9), ("DE", 3), ("BE", 2)].map {
            KPICell(kpi: "SOC-1", period: "programme", breakdown: "country=\($0.0)", value: $0.1)
        }
        #expect(KPISuppression.apply(cells).map(\.suppressed) == [false, true, true])
    }
}
