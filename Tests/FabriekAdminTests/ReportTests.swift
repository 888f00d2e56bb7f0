import Foundation
import Testing

@Suite struct ReportTests {
    @Test func aReportAsOfAPastDateStaysIdenticalAfterMoreEvents() throws {
        let temp = TemporaryDirectory()
        let data = try DemoFixture.copy(into: temp)
        var before: [String: Data] = [:]
        for kind in ["programme", "youregion"] {
            for format in ["json", "csv", "md", "html"] {
                let out = temp.sub("\(kind).\(format)")
                let r = try Admin.run(["report", kind, "--as-of", "2020-06-30", "--format", format, "--out", out, "--data", data])
                #expect(r.status == 0, "\(r.stderr)")
                before["\(kind).\(format)"] = try Data(contentsOf: URL(fileURLWithPath: out))
            }
        }
        // Same bytes on a second run, to standard output too.
        let md = try Admin.run(["report", "programme", "--as-of", "2020-06-30", "--format", "md", "--data", data])
        #expect(Data(md.stdout.utf8) == before["programme.md"])
        #expect(md.stdout.contains("head hash"))

        // More events (recorded now, after 2020) leave the past report unchanged.
        let file = temp.sub("more.jsonl")
        try #"{"stream":"goal-OPD-1-2045","type":"ProgrammeGoalSet","version":1,"data":{"endsOn":"2045-12-31","focusArea":"opdrachten","kpiCode":"OPD-1","period":"2045","scale":0,"startsOn":"2045-01-01","targetValue":5}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Admin.run(["import", file, "--data", data]).status == 0)
        for (name, bytes) in before {
            let parts = name.split(separator: ".").map(String.init)
            let again = try Admin.run(["report", parts[0], "--as-of", "2020-06-30", "--format", parts[1], "--data", data])
            #expect(again.status == 0)
            #expect(Data(again.stdout.utf8) == bytes, "\(name) changed")
        }
    }

    @Test func aPositionInsideACommitOrPastTheHeadIsRefused() throws {
        let data = try DemoFixture.path()
        let past = try Admin.run(["report", "youregion", "--position", "999999999", "--format", "json", "--data", data])
        #expect(past.status == 1)
        #expect(past.stderr.contains("head"))
        #expect(try Admin.run(["report", "youregion", "--format", "json", "--data", data]).status == 2)
        #expect(try Admin.run(["report", "youregion", "--position", "5", "--format", "json", "--data", data]).status == 0)
    }
}
