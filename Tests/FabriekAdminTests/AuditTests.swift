import Foundation
import Testing

/// `audit` lists events that break a domain invariant; `import` refuses them unless told.
@Suite struct AuditTests {
    @Test("given the demo history, when audited, then no rule is broken")
    func theDemoHistoryKeepsEveryInvariant() throws {
        let r = try Admin.run(["audit", "--data", try DemoFixture.path()])
        #expect(r.status == 0, "\(r.stdout.prefix(2000)) \(r.stderr)")
        #expect(r.stderr.contains("no rule broken"))
    }

    /// The demo export up to and including its first TenderPublished, whose second lot now
    /// has the number of the first.
    static func historyWithDuplicateLots(in temp: TemporaryDirectory) throws -> (file: String, line: Int) {
        let all = temp.sub("all.jsonl")
        #expect(try Admin.run(["export", all, "--data", try DemoFixture.path()]).status == 0)
        var out: [String] = []
        for line in try String(contentsOfFile: all, encoding: .utf8).split(separator: "\n") {
            guard line.contains(#""type":"TenderPublished""#) else { out.append(String(line)); continue }
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            var data = try #require(object["data"] as? [String: Any])
            var lots = try #require(data["lots"] as? [[String: Any]])
            if lots.count < 2 { lots.append(lots[0]) } else { lots[1]["number"] = lots[0]["number"] }
            data["lots"] = lots
            object["data"] = data
            object["payload"] = nil
            out.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            break
        }
        let file = temp.sub("lots.jsonl")
        try (out.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return (file, out.count)
    }

    @Test("given a tender with two lots of the same number, when imported, then refused naming the rule; accepted, audit lists it")
    func duplicateLotsAreRefusedThenAuditedWhenAccepted() throws {
        let temp = TemporaryDirectory()
        let (file, line) = try Self.historyWithDuplicateLots(in: temp)
        let data = temp.sub("data")
        let refused = try Admin.run(["import", file, "--data", data])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("lots.jsonl:\(line): tender.invalidLotNumber,"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"))

        let accepted = try Admin.run(["import", file, "--accept-violations", "--data", data])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("1 events break a domain invariant"), "\(accepted.stdout)")
        #expect(accepted.stdout.contains("recorded in stream import-"), "\(accepted.stdout)")
        // The record follows the accepted event in the same commit.
        let dumped = try Admin.run(["log", "dump", "--from", "\(line + 1)", "--to", "\(line + 1)", "--data", data])
        let record = try #require(try JSONSerialization.jsonObject(with: Data(dumped.stdout.utf8)) as? [String: Any], "\(dumped.stdout)")
        #expect(record["type"] as? String == "ImportViolationsAccepted")
        #expect((record["stream"] as? String)?.hasPrefix("import-") == true)
        let recordData = try #require(record["data"] as? [String: Any])
        #expect(recordData["file"] as? String == "lots.jsonl")
        let listed = try #require((recordData["violations"] as? [[String: Any]])?.first)
        #expect(listed["rule"] as? String == "tender.invalidLotNumber")
        #expect((listed["line"] as? NSNumber)?.intValue == line)
        let exported = temp.sub("exported.jsonl")
        #expect(try Admin.run(["export", exported, "--data", data]).status == 0)
        let commits = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n").suffix(2)
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .compactMap { ($0["commit"] as? NSNumber)?.intValue }
        #expect(commits.count == 2 && Set(commits).count == 1, "the accepted event and its record are one commit: \(commits)")

        let audit = try Admin.run(["audit", "--data", data])
        #expect(audit.status == 1)
        #expect(audit.lines.count == 1, "\(audit.stdout)")
        #expect(audit.stdout.hasPrefix("\(line) tender-"), "\(audit.stdout)")
        #expect(audit.stdout.contains("tender.invalidLotNumber: TenderPublished"), "\(audit.stdout)")
        #expect(audit.stdout.contains("; accepted by import "), "\(audit.stdout)")
        #expect(audit.stdout.contains("(lots.jsonl) at position \(line + 1)"), "\(audit.stdout)")
        #expect(audit.stderr.contains("1 of them accepted by an import"), "\(audit.stderr)")
        let json = try Admin.run(["audit", "--json", "--data", data])
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(entry["rule"] as? String == "tender.invalidLotNumber")
        #expect((entry["position"] as? NSNumber)?.intValue == line)
        let by = try #require(entry["acceptedBy"] as? [String: Any])
        #expect(by["file"] as? String == "lots.jsonl")
        #expect((by["position"] as? NSNumber)?.intValue == line + 1)
    }

    @Test("given a log whose import accepted a violation, when exported and imported elsewhere without --accept-violations, then the same head: the file carries the acceptance")
    func anExportCarriesItsAcceptances() throws {
        let temp = TemporaryDirectory()
        let (file, _) = try Self.historyWithDuplicateLots(in: temp)
        let data = temp.sub("data")
        #expect(try Admin.run(["import", file, "--accept-violations", "--data", data]).status == 0)
        let exported = temp.sub("again.jsonl")
        #expect(try Admin.run(["export", exported, "--data", data]).status == 0)
        let copy = temp.sub("copy")
        let imported = try Admin.run(["import", exported, "--data", copy])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(!imported.stdout.contains("break a domain invariant"), "no second record: \(imported.stdout)")
        #expect(try Admin.run(["log", "head", "--data", copy]).stdout == (try Admin.run(["log", "head", "--data", data]).stdout))
    }

    /// Ids from the demo export: a training with its attendees, a member who did not attend it,
    /// and the log's head position.
    static func demoProgrammeFacts(in temp: TemporaryDirectory) throws -> (training: String, nonAttendee: String, head: Int) {
        let all = temp.sub("demo.jsonl")
        #expect(try Admin.run(["export", all, "--data", try DemoFixture.path()]).status == 0)
        var training: (id: String, attendees: Set<String>)?
        var members: [String] = []
        for line in try String(contentsOfFile: all, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let data = object["data"] as? [String: Any] ?? [:]
            switch object["type"] as? String {
            case "MemberRegistered": if let m = data["memberId"] as? String { members.append(m) }
            case "ProgrammeActivityHeld" where training == nil && data["activityType"] as? String == "training":
                training = (try #require(data["activityId"] as? String), Set(data["attendingMemberIds"] as? [String] ?? []))
            default: break
            }
        }
        let t = try #require(training)
        let head = try #require(Int(try Admin.run(["log", "head", "--data", try DemoFixture.path()]).stdout.split(separator: " ")[0]))
        return (t.id, try #require(members.first { !t.attendees.contains($0) }), head)
    }

    @Test("given the demo history, when programme events that break rules are imported with --accept-violations, then audit lists each with position, stream, rule and reason, and exits 1")
    func programmeViolationsAreAudited() throws {
        let temp = TemporaryDirectory()
        let facts = try Self.demoProgrammeFacts(in: temp)
        let data = try DemoFixture.copy(into: temp)
        let activity = "5e000000-0000-4000-8000-000000000001", stranger = "5e000000-0000-4000-8000-00000000000f"
        let report = "5e000000-0000-4000-8000-000000000002"
        let zeros = Data(count: 32).base64EncodedString()
        let lines = [
            #"{"stream":"activity-\#(activity)","type":"ProgrammeActivityHeld","data":{"activityId":"\#(activity)","title":"Netwerkborrel","focusAreas":["ontmoetend"],"activityType":"meetup","heldOn":"2021-03-01","durationMinutes":90,"attendingMemberIds":["\#(stranger)"],"externalAttendeeCount":0,"partners":[],"crossBorder":false}}"#,
            #"{"stream":"activity-\#(facts.training)","type":"TrainingHoursRecorded","data":{"activityId":"\#(facts.training)","memberId":"\#(facts.nonAttendee)","durationMinutes":30}}"#,
            #"{"stream":"goal-LER-1-2030","type":"ProgrammeGoalSet","data":{"focusArea":"sociaal","kpiCode":"LER-1","period":"2030","startsOn":"2030-01-01","endsOn":"2030-12-31","targetValue":10,"scale":0}}"#,
            #"{"stream":"report-\#(report)","type":"ProgrammeReportIssued","data":{"reportId":"\#(report)","period":"programme","asOfPosition":\#(facts.head),"headHash":"\#(zeros)","kpiValues":[],"contentHash":"\#(zeros)"}}"#,
        ]
        let file = temp.sub("programme.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let refused = try Admin.run(["import", file, "--data", data])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("programme.jsonl:1: member.unknown,"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was imported"), "\(refused.stderr)")

        let accepted = try Admin.run(["import", file, "--accept-violations", "--data", data])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("4 events break a domain invariant"), "\(accepted.stdout)")

        let audit = try Admin.run(["audit", "--data", data])
        #expect(audit.status == 1, "\(audit.stderr)")
        #expect(audit.stderr.contains("4 events of \(facts.head + 5) break a domain rule"), "\(audit.stderr)")
        let expected: [(stream: String, rule: String, reason: String)] = [
            ("activity-\(activity)", "member.unknown: ProgrammeActivityHeld", "member \(stranger.uppercased()) does not exist"),
            ("activity-\(facts.training)", "programme.notAnAttendee: TrainingHoursRecorded", facts.nonAttendee.uppercased()),
            ("goal-LER-1-2030", "programme.kpiFocusAreaMismatch: ProgrammeGoalSet", "LER-1"),
            ("report-\(report)", "invariant-12.headHashMismatch: ProgrammeReportIssued", "not computed from this log"),
        ]
        #expect(audit.lines.count == expected.count, "\(audit.stdout)")
        for (i, (line, want)) in zip(audit.lines, expected).enumerated() {
            #expect(line.hasPrefix("\(facts.head + 1 + i) \(want.stream) \(want.rule): "), "\(line)")
            #expect(line.contains(want.reason), "\(line)")
            #expect(line.contains("(programme.jsonl) at position \(facts.head + 5)"), "\(line)")
        }
    }

    @Test("given an accepted tender with two lots of the same number, when the projections are rebuilt, then tender-board skips it and says degraded")
    func aProjectionSkipsTheEventItCannotApply() throws {
        let temp = TemporaryDirectory()
        let (file, line) = try Self.historyWithDuplicateLots(in: temp)
        let data = temp.sub("data")
        #expect(try Admin.run(["import", file, "--accept-violations", "--data", data]).status == 0)
        let rebuild = try Admin.run(["projections", "rebuild", "--all", "--data", data])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        let status = try Admin.run(["projections", "status", "--data", data])
        let board = try #require(status.lines.first { $0.hasPrefix("tender-board") }, "\(status.stdout)")
        #expect(board.contains("degraded: 1 event skipped"), "\(board)")
        #expect(board.contains("\(line + 1)"), "at the head: the accepted event and its record (ImportViolationsAccepted): \(board)")
        let json = try Admin.run(["projections", "status", "--json", "--data", data])
        #expect(json.stdout.contains(#""skipped":1"#), "\(json.stdout)")
    }
}
