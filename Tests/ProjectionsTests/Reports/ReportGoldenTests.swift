import EventLog
import Foundation
import Testing
@testable import Projections

/// Every report format on the fixed history, byte for byte against checked-in files.
@Suite struct ReportGoldenTests {
    @Test func programmeReportFormats() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: log.head().position)
        try Golden.check(ReportJSON.render(report), "programme-report.json")
        try Golden.check(ReportCSV.render(report), "programme-report.csv")
        try Golden.check(ReportMarkdown.render(report), "programme-report.md")
        try Golden.check(ReportHTML.render(report), "programme-report.html")
    }

    @Test func youRegionReportFormats() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try YouRegionReportBuilder(log: log).report(asOf: log.head().position)
        try Golden.check(ReportJSON.render(report), "youregion-report.json")
        try Golden.check(ReportCSV.render(report), "youregion-report.csv")
        try Golden.check(ReportMarkdown.render(report), "youregion-report.md")
        try Golden.check(ReportHTML.render(report), "youregion-report.html")
    }

    @Test func formatsFollowTheirConventions() async throws {
        let (store, log) = try await FixedHistory.makeLog()
        defer { store.remove() }
        let report = try ProgrammeReportBuilder(log: log, geography: T.geography, vault: nil).report(asOf: log.head().position)
        let csv = ReportCSV.render(report)
        #expect(csv.utf8.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(csv.hasSuffix("\r\n") && !csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let html = ReportHTML.render(report)
        #expect(html.contains("<svg") && html.contains("@media print") && !html.contains("<script"))
        // The JSON parses, and its content hash is the SHA-256 of the content without it.
        let parsed = try JSONSerialization.jsonObject(with: Data(ReportJSON.render(report).utf8)) as? [String: Any]
        #expect((parsed?["asOf"] as? [String: Any])?["position"] as? Int == Int(report.asOf.position))
        #expect(ReportJSON.render(report).contains("\"contentHash\":\"\(report.contentHash)\""))
        for text in [csv, html, ReportMarkdown.render(report), ReportJSON.render(report)] {
            #expect(text.contains(report.asOf.hash.hex) && text.contains(report.contentHash))
        }
    }
}
