import FabriekReference
import FabriekServer
import Foundation
import Projections
import Testing

/// The web pages speak Dutch, with the labels the reports use (one place: `ReportLabels`, KPI
/// names from the reference data), and KPI codes as they are.
@Suite(.serialized) struct PageTextTests {
    @Test("given the dashboard, then every KPI shows its code with the Dutch name from kpis.json and its Dutch description, and no English KPI name")
    func dashboardIsDutch() async throws {
        try await ServerHarness.run { h in
            let page = try await h.call("GET", "/")
            #expect(page.status == 200)
            let reference = try ReferenceData.load(environment: [:])
            for kpi in reference.kpis.kpis {
                #expect(page.text.contains(">\(kpi.code)<"), "\(kpi.code) missing")
                #expect(page.text.contains(HTMLText.escape(kpi.name)), "\(kpi.code): name '\(kpi.name)' missing")
                #expect(ReportLabels.kpi(kpi.code) == kpi.name)
            }
            for definition in KPIDefinitions.all {
                #expect(page.text.contains(HTMLText.escape(definition.summary)), "\(definition.code): description missing")
            }
            for english in ["Training hours", "Active members", "Jobs published", "Register size", "target", "suppressed"] {
                #expect(!page.text.contains(english), "English on the dashboard: \(english)")
            }
        }
    }

    @Test("given a member and a tender, then their pages show availability, status and procedure in Dutch")
    func statesInDutch() async throws {
        try await ServerHarness.run { h in
            let position = try await h.publishTender()
            _ = try await h.call("GET", "/api/v1/tenders/\(ServerHarness.tenderKey)?minPosition=\(position)", role: .coordinator)
            let member = try await h.call("GET", "/leden/\(ServerHarness.a)")
            #expect(member.status == 200)
            #expect(member.text.contains("actief") && !member.text.contains(">active<"), "\(member.text)")
            let tender = try await h.call("GET", "/klussen/\(ServerHarness.tenderKey)")
            #expect(tender.status == 200, "\(tender.text)")
            #expect(tender.text.contains("nationaal openbaar") && !tender.text.contains("nationaalOpenbaar"))
            let board = try await h.call("GET", "/klussen")
            #expect(board.text.contains("nationaal openbaar"))
        }
    }
}

/// The escaping the pages apply, for comparing page text with plain strings.
enum HTMLText {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
