import EventLog
import Events
import Foundation
import Testing
@testable import Fabriek

@Suite("Report decider")
struct ReportDeciderTests {
    let reportId = Fixture.id(900)

    func issued(value: Int64 = 6) -> ProgrammeReportIssued {
        ProgrammeReportIssued(reportId: reportId, period: "programme", asOfPosition: 42, headHash: Array(repeating: 1, count: 32),
                              kpiValues: [KpiValue(kpiCode: "SOC-1", breakdown: "period=programme", value: value, scale: 0, suppressed: false)],
                              contentHash: Array(repeating: 2, count: 32))
    }

    @Test func issuingRecordsTheReport() {
        // Given no report, when it is issued, then ProgrammeReportIssued is recorded.
        expectEvents(ReportDecider.self, when: .issue(issued()), then: [.reportIssued(issued())])
    }

    @Test func issuingTheSameReportAgainChangesNothing() {
        expectEvents(ReportDecider.self, given: [.reportIssued(issued())], when: .issue(issued()), then: [])
    }

    @Test func otherContentUnderAnIssuedIdIsRefused() {
        expectRefusal(ReportDecider.self, given: [.reportIssued(issued())], when: .issue(issued(value: 5)),
                      then: .alreadyExists(stream: ReportDecider.streamId(reportId)))
    }

    @Test func hashesMustBeSHA256() {
        var r = issued()
        r.contentHash = [1, 2, 3]
        expectRefusal(ReportDecider.self, when: .issue(r),
                      then: .validation(ValidationError(field: "contentHash", rule: .sha256Length, value: "3 bytes")))
        r = issued()
        r.period = " "
        expectRefusal(ReportDecider.self, when: .issue(r), then: .validation(ValidationError(field: "period", rule: .required, value: " ")))
    }

    @Test func streamIsNamedAfterTheReport() {
        #expect(ReportDecider.streamId(reportId) == "report-\(reportId.uuidString.lowercased())")
    }
}
