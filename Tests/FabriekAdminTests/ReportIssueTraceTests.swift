import Foundation
import Testing

/// `report programme --issue`, `report issued`, `report trace` on the small demo history.
@Suite struct ReportIssueTraceTests {
    @Test func anIssuedReportIsReproducedByteForByteAfterAnErasure() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        // Given a report issued as of mid-2020
        let issue = try Admin.run(["report", "programme", "--as-of", "2020-06-30", "--issue", "--format", "json",
                                   "--out", temp.sub("issued.json"), "--data", data])
        #expect(issue.status == 0, "\(issue.stderr)")
        let id = try #require(issue.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(UUID(uuidString: id) != nil, "\(issue.stdout)")
        let original = try Data(contentsOf: URL(fileURLWithPath: temp.sub("issued.json")))
        // Then 'report issued ID' gives the same bytes, it is listed,
        let again = try Admin.run(["report", "issued", id, "--format", "json", "--data", data])
        #expect(again.status == 0 && Data(again.stdout.utf8) == original, "\(again.stderr)")
        let list = try Admin.run(["report", "issued", "--list", "--data", data])
        #expect(list.status == 0 && list.stdout.contains(id) && list.stdout.contains("programme"))
        var formats: [String: String] = [:]
        for format in ["csv", "md", "html"] {
            formats[format] = try Admin.run(["report", "issued", id, "--format", format, "--data", data]).stdout
        }
        // and after the keys are gone (an import without keys.sqlite) nothing of it changes,
        try FileManager.default.removeItem(atPath: data + "/keys.sqlite")
        #expect(Data(try Admin.run(["report", "issued", id, "--format", "json", "--data", data]).stdout.utf8) == original)
        for format in ["csv", "md", "html"] {
            #expect(try Admin.run(["report", "issued", id, "--format", format, "--data", data]).stdout == formats[format])
        }
        // while the report computed afresh says what it could not read.
        let fresh = try Admin.run(["report", "programme", "--as-of", "2020-06-30", "--format", "md", "--data", data])
        #expect(fresh.status == 0 && fresh.stdout.contains("Niet leesbare invoer"), "\(fresh.stderr)")
        // A trace of a cell of the issued report checks against its recorded value.
        let trace = try Admin.run(["report", "trace", "OPD-1", "programme", "--issued", id, "--data", data])
        #expect(trace.status == 0 && trace.stdout.contains("matches the issued report's value"), "\(trace.stdout)\(trace.stderr)")
    }

    @Test func unknownIssuedReportsAreRefused() throws {
        let data = try DemoFixture.path()
        let r = try Admin.run(["report", "issued", "6efbec79-da5b-435f-9cd5-5deda3620b47", "--data", data])
        #expect(r.status == 1 && r.stderr.contains("report issued --list"))
        #expect(try Admin.run(["report", "issued", "--data", data]).status == 2)
    }

    @Test func traceListsTheEventsOfACellAndChecksTheSum() throws {
        let data = try DemoFixture.path()
        // Given the demo history, when the jobs published in the programme are traced as JSON
        let r = try Admin.run(["report", "trace", "OPD-1", "programme", "--as-of", "2020-06-30", "--format", "json", "--data", data])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let lines = try #require(json["lines"] as? [[String: Any]])
        // Then every line is a TenderPublished, and they add up to the report's value.
        #expect(!lines.isEmpty && lines.allSatisfy { $0["type"] as? String == "TenderPublished" })
        #expect(json["recomputed"] as? Int == lines.count && json["reportValue"] as? Int == lines.count && json["matches"] as? Bool == true)
        let report = try Admin.run(["report", "programme", "--as-of", "2020-06-30", "--format", "json", "--data", data])
        #expect(report.stdout.contains("\"breakdown\":\"\",\"display\":\"\(lines.count)\""))
        // A text trace prints the definition first; CSV has one row per line.
        let text = try Admin.run(["report", "trace", "OPD-1", "programme", "--as-of", "2020-06-30", "--data", data])
        #expect(text.stdout.hasPrefix("Trace OPD-1 programme (total)") && text.stdout.contains("Definition: Gepubliceerde opdrachten"))
        let csv = try Admin.run(["report", "trace", "OPD-1", "programme", "--as-of", "2020-06-30", "--format", "csv", "--data", data])
        #expect(csv.stdout.components(separatedBy: ";TenderPublished;counted;1\r\n").count - 1 == lines.count)
        // Usage: exactly one of --as-of, --position, --issued; an unknown KPI names the known ones.
        #expect(try Admin.run(["report", "trace", "OPD-1", "programme", "--data", data]).status == 2)
        let unknown = try Admin.run(["report", "trace", "XYZ-1", "programme", "--position", "5", "--data", data])
        #expect(unknown.status == 1 && unknown.stderr.contains("OPD-1"))
    }
}
